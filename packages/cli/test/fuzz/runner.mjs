// @ts-check
/**
 * The fuzz loop, run as its own node process (the test caps its heap) over one kind of hostile
 * input: `node runner.mjs KIND WORK_DIR SEED NUM_RUNS SHRINK_BUDGET`. It prints one
 * `fuzz-case {json}` line per case and ends with one `fuzz-summary {json}` line; a failing
 * property is reported in the summary with its shrunk counterexample, not by the exit status, so
 * the status says only whether the process itself held up.
 */
import 'reflect-metadata';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { experimentCases } from './experimentCases.mjs';
import { ledgerCases } from './ledgerCases.mjs';
import { resumeCases } from './resumeCases.mjs';

/**
 * One kind of fuzz case.
 * @typedef {{
 *   arbitrary: fc.Arbitrary<any>;
 *   prepare(dir: string): Promise<any>;
 *   check(recipe: any, fixture: any, dir: string): Promise<{ outcome: 'accepted' | 'refused' | 'skipped'; stderr?: string }>;
 * }} FuzzCases
 */

/** @type {Record<string, FuzzCases>} */
const KINDS = { experiment: experimentCases, ledger: ledgerCases, resume: resumeCases };
/** Counterexamples and messages are cut to this many characters: a case may hold megabytes. */
const SHOWN_LENGTH = 3_000;

const [kindName = '', workDir = '', seedText = '', runsText = '', shrinkText = ''] = process.argv.slice(2);
const kind = KINDS[kindName];
if (kind === undefined) throw new Error(`unknown fuzz kind "${kindName}"; one of ${Object.keys(KINDS).join(', ')}`);
const seed = Number(seedText);
const numRuns = Number(runsText);
/** Cases run while shrinking a failure; later shrink candidates pass unrun, so a failure costs a bounded time. */
const shrinkBudget = Number(shrinkText);

const fixtureDir = join(workDir, 'fixture');
mkdirSync(fixtureDir, { recursive: true });
const fixture = await kind.prepare(fixtureDir);

/** @param {string} tag @param {unknown} value */
const emit = (tag, value) => process.stdout.write(`${tag} ${JSON.stringify(value)}\n`);
/** @param {string} text */
const shown = (text) => (text.length > SHOWN_LENGTH ? `${text.slice(0, SHOWN_LENGTH)}… (${text.length} characters)` : text);

const counts = { accepted: 0, refused: 0, skipped: 0 };
let ran = 0;
/** @type {number | undefined} */
let firstFailure;

const property = fc.asyncProperty(kind.arbitrary, async (recipe) => {
  if (firstFailure !== undefined && ran - firstFailure > shrinkBudget) return;
  const index = ran++;
  const shrinking = firstFailure !== undefined;
  const dir = mkdtempSync(join(workDir, 'case-'));
  let outcome;
  let stderr;
  try {
    ({ outcome, stderr } = await kind.check(recipe, fixture, dir));
  } catch (error) {
    firstFailure ??= index;
    emit('fuzz-case', { index, shrinking, outcome: 'failed', problem: shown(String(error)) });
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!shrinking) counts[outcome]++;
  // What fedtune said, in short: enough to see which refusal a case met.
  emit('fuzz-case', { index, shrinking, outcome, ...(stderr ? { stderr: stderr.slice(0, 300) } : {}) });
  fc.pre(outcome !== 'skipped');
});

const details = await fc.check(property, { seed, numRuns });
const failure = details.failed
  ? {
      // Records print with a null prototype; that says nothing about the case.
      counterexample: shown(fc.stringify(details.counterexample?.[0]).replaceAll('__proto__:null,', '')),
      problem: shown(details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)),
      shrinks: details.numShrinks,
    }
  : undefined;
emit('fuzz-summary', { kind: kindName, seed, numRuns, ran, counts, interrupted: details.interrupted, failure });
// Worker pools and tfjs may keep the loop alive; everything is reported, so end now.
process.exit(0);
