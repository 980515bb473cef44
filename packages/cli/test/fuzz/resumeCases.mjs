// @ts-check
/**
 * Fuzz cases of `fedtune run --resume DIR` on a run stopped in round 1 of 3 (checkpoint after
 * round 0): its checkpoint, resume.json and ledger damaged, or one of its files removed. A refusal
 * must leave the folder byte-identical; a resumed run must leave exactly one finished run.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { createFedtuneContainer, parseExperiment, readResumeRecord, runExperiment } from '@fedtune/core';
import { damageCheckpoint, checkpointDamage } from './checkpointDamage.mjs';
import { expectCleanOutcome, runCli } from './cliOutcome.mjs';
import { isQuickToRun } from './experimentCost.mjs';
import { damageJsonFile, jsonFileDamage } from './jsonMutations.mjs';
import { damageLedger, ledgerDamage } from './ledgerDamage.mjs';
import { expectFinishedExperiment, expectSameFolder, snapshotFolder } from './resultsFolderChecks.mjs';

const STOPPED_RUN_FILES = ['checkpoint.safetensors', 'resume.json', 'ledger.jsonl', 'experiment.json'];

const damages = {
  checkpoint: checkpointDamage,
  record: jsonFileDamage,
  ledger: ledgerDamage,
  removed: fc.constantFrom(...STOPPED_RUN_FILES),
};

/**
 * Mostly one damage (a damaged checkpoint, an edited or damaged resume.json, a damaged ledger, a
 * file removed), sometimes several, sometimes none: the untouched folder must resume.
 */
const resumeCase = fc.oneof(
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 6, arbitrary: fc.oneof(...Object.entries(damages).map(([name, damage]) => fc.record({ [name]: damage }))) },
  { weight: 3, arbitrary: fc.record(damages, { requiredKeys: [] }) },
);

class StopRequested extends Error {}

/** @type {import('./runner.mjs').FuzzCases} */
export const resumeCases = {
  arbitrary: resumeCase,
  async prepare(dir) {
    const experiment = parseExperiment({
      name: 'fuzz-resume',
      seed: 3,
      data: { numClients: 3, trainLimit: 240, testLimit: 120 },
      training: { rounds: 3 },
    });
    const stopped = join(dir, 'stopped');
    // Stopped as a killed run stops: after round 1's ledger row, before its checkpoint.
    const stopInRoundOne = (/** @type {{ round: number }} */ { round }) => {
      if (round === 1) throw new StopRequested();
    };
    try {
      await runExperiment(experiment, {
        outDir: stopped,
        experimentDir: dir,
        container: createFedtuneContainer(),
        workers: 1,
        checkpointEvery: 1,
        onRound: stopInRoundOne,
      });
      throw new Error('the run the cases start from was not stopped');
    } catch (error) {
      if (!(error instanceof StopRequested)) throw error;
    }
    return stopped;
  },
  async check(recipe, stopped, dir) {
    const folder = join(dir, 'stopped');
    cpSync(stopped, folder, { recursive: true });
    const damage = (/** @type {string} */ name, /** @type {(bytes: Buffer) => Uint8Array} */ change) =>
      writeFileSync(join(folder, name), change(readFileSync(join(folder, name))));
    if (recipe.checkpoint !== undefined) damage('checkpoint.safetensors', (bytes) => damageCheckpoint(bytes, recipe.checkpoint));
    if (recipe.record !== undefined) damage('resume.json', (bytes) => damageJsonFile(bytes, recipe.record));
    if (recipe.ledger !== undefined) damage('ledger.jsonl', (bytes) => damageLedger(bytes, recipe.ledger));
    if (recipe.removed !== undefined) rmSync(join(folder, recipe.removed));
    const record = readableRecord(folder);
    if (record !== undefined && !isQuickToRun(record.experiment)) return { outcome: 'skipped' };

    const before = snapshotFolder(folder);
    const result = await runCli(['run', '--resume', folder, '--workers', '1']);
    const outcome = expectCleanOutcome(result);
    if (outcome === 'refused') {
      expectSameFolder(before, snapshotFolder(folder));
    } else {
      if (record === undefined) throw new Error('fedtune resumed a folder whose resume.json core cannot read');
      expectFinishedExperiment(folder, record.experiment, { checkpointed: true });
    }
    return { outcome, stderr: result.stderr };
  },
};

/**
 * The resume record as core reads it, or `undefined` when it cannot.
 * @param {string} folder
 */
function readableRecord(folder) {
  try {
    return readResumeRecord(folder);
  } catch {
    return undefined;
  }
}
