import { describe, expect, it } from 'vitest';
import { describeFailure, FUZZ_HEAP_MB, runFuzzChild, type FuzzKind } from './fuzzChild.js';

/**
 * fast-check fuzzing of what fedtune reads from disk: experiment files, ledgers, checkpoints and
 * resume state. Every case must end in success or in exit 2 with one bounded `error: ...`
 * paragraph and no stack trace; a refused resume must leave its folder byte-identical and a
 * finished run must leave exactly its own files. The loop runs in a node process with a capped
 * heap, so input that makes fedtune swell ends that process instead of passing unnoticed.
 *
 * The seed is fixed so that CI is reproducible; FEDTUNE_FUZZ_SEED explores others.
 */
const seed = Number(process.env['FEDTUNE_FUZZ_SEED'] ?? 1);

/** Runs the fuzz loop for `kind` and expects it to end, report, and find no failing case. */
async function expectNoFailingCase(kind: FuzzKind, numRuns: number, shrinkBudget: number): Promise<void> {
  const { code, signal, summary, stderrTail } = await runFuzzChild(kind, { seed, numRuns, shrinkBudget });
  expect({ code, signal }, `the ${FUZZ_HEAP_MB} MB fuzz process for ${kind} did not end normally:\n${stderrTail}`).toEqual({
    code: 0,
    signal: null,
  });
  if (summary === undefined) throw new Error(`the fuzz process for ${kind} reported no summary:\n${stderrTail}`);
  const { accepted, refused, skipped } = summary.counts;
  console.log(`fuzz ${kind}: seed ${seed}, ${summary.ran} cases: ${accepted} accepted, ${refused} refused, ${skipped} skipped as too long to run`);
  if (summary.failure !== undefined) expect.fail(describeFailure(summary));
  // Both outcomes occurred, so both sets of expectations were checked.
  expect(accepted, 'cases that fedtune accepted').toBeGreaterThan(0);
  expect(refused, 'cases that fedtune refused').toBeGreaterThan(0);
}

describe(`hostile input, fuzzed in a node process with a ${FUZZ_HEAP_MB} MB heap`, () => {
  it('fedtune run refuses a damaged experiment file with one bounded error and no results, or runs it to exactly its files', async () => {
    await expectNoFailingCase('experiment', 60, 30);
  }, 600_000);

  it('fedtune report and compare read damaged ledgers or refuse them with one bounded error, never writing into the results folder', async () => {
    await expectNoFailingCase('ledger', 60, 100);
  }, 600_000);

  it('fedtune run --resume refuses damaged checkpoints, resume.json and ledgers leaving the folder byte-identical, or finishes exactly one run', async () => {
    await expectNoFailingCase('resume', 30, 20);
  }, 600_000);
});
