// @ts-check
/**
 * Fuzz cases of `fedtune report` and `fedtune compare` over a finished experiment (a LoRA run and
 * its head-only comparison) whose ledgers are damaged, and sometimes the run's summary.json or
 * experiment.json beside them. Either command must read or refuse them, and never write into the
 * results folder.
 */
import { cpSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describeOutput, expectCleanOutcome, runCli } from './cliOutcome.mjs';
import { damageJsonFile, jsonFileDamage } from './jsonMutations.mjs';
import { damageLedger, ledgerDamage } from './ledgerDamage.mjs';
import { expectSameFolder, snapshotFolder } from './resultsFolderChecks.mjs';

/** The run whose ledger is damaged: the main run's folder, or its comparison's. */
const RUN_FOLDERS = ['', join('compare', 'head-only')];

const command = fc.oneof(
  fc.record({ name: fc.constant('report'), svg: fc.boolean() }),
  fc.record({ name: fc.constant('compare'), format: fc.constantFrom('table', 'csv', 'markdown', 'json') }),
);

/** The run's other JSON files that report and compare read. */
const otherFile = fc.record({ file: fc.constantFrom('summary.json', 'experiment.json'), damage: jsonFileDamage });

/** `alone`: the damaged run is the only one the command reads, so nothing else makes it succeed. */
const ledgerCase = fc.record({
  run: fc.constantFrom(...RUN_FOLDERS),
  alone: fc.boolean(),
  damage: ledgerDamage,
  // Damaged one time in three: the ledger is what this fuzzes.
  other: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: otherFile }),
  command,
});

/** @type {import('./runner.mjs').FuzzCases} */
export const ledgerCases = {
  arbitrary: ledgerCase,
  async prepare(dir) {
    const file = join(dir, 'experiment.json');
    const experiment = {
      name: 'fuzz-ledger',
      seed: 5,
      data: { numClients: 3, trainLimit: 150, testLimit: 100 },
      training: { rounds: 2 },
      compare: [{ label: 'head only', adapter: { name: 'head' } }],
    };
    writeFileSync(file, JSON.stringify(experiment));
    const results = join(dir, 'results');
    const run = await runCli(['run', file, '--out', results, '--workers', '1']);
    if (run.code !== 0) throw new Error(`the finished run the cases start from failed: ${describeOutput(run)}`);
    return results;
  },
  async check(recipe, results, dir) {
    const copy = join(dir, 'results');
    cpSync(results, copy, { recursive: true });
    const ledger = join(copy, recipe.run, 'ledger.jsonl');
    writeFileSync(ledger, damageLedger(readFileSync(ledger), recipe.damage));
    if (recipe.other !== undefined) {
      const file = join(copy, recipe.run, recipe.other.file);
      writeFileSync(file, damageJsonFile(readFileSync(file), recipe.other.damage));
    }
    if (recipe.alone && recipe.run === '') rmSync(join(copy, 'compare'), { recursive: true });
    const read = recipe.alone ? join(copy, recipe.run) : copy;
    const before = snapshotFolder(copy);

    const report = join(dir, 'report.html');
    const argv =
      recipe.command.name === 'report'
        ? ['report', read, '--out', report, ...(recipe.command.svg ? ['--svg', join(dir, 'svg')] : [])]
        : ['compare', read, '--format', recipe.command.format];
    const result = await runCli(argv);
    const outcome = expectCleanOutcome(result);
    expectSameFolder(before, snapshotFolder(copy));
    if (outcome === 'accepted' && recipe.command.name === 'report' && statSync(report).size === 0) {
      throw new Error('report succeeded but wrote an empty page');
    }
    return { outcome, stderr: result.stderr };
  },
};

