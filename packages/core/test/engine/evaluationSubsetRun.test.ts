import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { readResumeRecord, runExperiment, type LedgerRow, type RunSummary } from '../../src/engine/index.js';
import { parseExperiment, type ExperimentInput } from '../../src/experiment/index.js';

/** Four rounds on the embedded subset, 500 test images; evaluation options come per test. */
const base: ExperimentInput = {
  name: 'evaluation-subset-test',
  seed: 3,
  data: { numClients: 6, partition: { kind: 'dirichlet', alpha: 0.5 }, trainLimit: 600, testLimit: 500 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 4, localEpochs: 1, batchSize: 32, learningRate: 0.005 },
  selector: { name: 'uniform', options: { fraction: 0.5 } },
};
const scheduled = { ...base, evaluation: { every: 2, testLimit: 200 } };

const readLedger = (dir: string): LedgerRow[] =>
  readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LedgerRow);
const withoutWallTime = (rows: LedgerRow[]) => rows.map(({ wallMs: _wallMs, ...rest }) => rest);
/** What training alone decides, whatever the evaluation does. */
const trainingColumns = (rows: LedgerRow[]) => rows.map(({ trainLoss, uplinkBytes, uploaded }) => ({ trainLoss, uplinkBytes, uploaded }));

class Stop extends Error {}

describe('a run evaluating every 2 rounds on a 200-example subset', () => {
  const root = mkdtempSync(join(tmpdir(), 'fedtune-evaluation-subset-'));
  const run = async (experiment: ExperimentInput, folder: string): Promise<RunSummary[]> =>
    runExperiment(parseExperiment(experiment), { outDir: join(root, folder), experimentDir: root, container: createFedtuneContainer() });
  let summary: RunSummary;
  let rows: LedgerRow[];
  let everyRound: LedgerRow[];

  beforeAll(async () => {
    [summary] = (await run(scheduled, 'scheduled')) as [RunSummary];
    rows = readLedger(join(root, 'scheduled'));
    await run(base, 'every-round');
    everyRound = readLedger(join(root, 'every-round'));
  }, 120_000);

  it('writes null test figures on the rounds it skips', () => {
    expect(rows.map((row) => row.testAccuracy === null)).toEqual([true, false, true, false]);
    expect(rows.map((row) => row.testLoss === null)).toEqual([true, false, true, false]);
  });

  it('marks the subset rounds with their size and the last round, on the full set, without it', () => {
    expect(rows.map((row) => row.testSubsetExamples)).toEqual([undefined, 200, undefined, undefined]);
    expect(everyRound.some((row) => 'testSubsetExamples' in row)).toBe(false);
  });

  it('scores the subset round on 200 examples: accuracy in steps of 1/200', () => {
    const correct = (rows[1]?.testAccuracy as number) * 200;
    expect(Math.abs(correct - Math.round(correct))).toBeLessThan(1e-9);
  });

  it('ends on the full test set with the figures of a run that evaluates every round', () => {
    expect(rows[3]?.testAccuracy).toBe(everyRound[3]?.testAccuracy);
    expect(rows[3]?.testLoss).toBe(everyRound[3]?.testLoss);
    expect(summary.finalAccuracy).toBe(everyRound[3]?.testAccuracy);
  });

  it('trains exactly as the run that evaluates every round', () => {
    expect(trainingColumns(rows)).toEqual(trainingColumns(everyRound));
  });

  it('scores the same subset every round: a second run gives the same ledger', async () => {
    await run(scheduled, 'scheduled-again');
    expect(withoutWallTime(readLedger(join(root, 'scheduled-again')))).toEqual(withoutWallTime(rows));
  }, 60_000);

  it('evaluates the same rounds on the same subset when stopped and resumed', async () => {
    const stopped = join(root, 'stopped');
    await expect(
      runExperiment(parseExperiment(scheduled), {
        outDir: stopped,
        experimentDir: root,
        container: createFedtuneContainer(),
        checkpointEvery: 1,
        onRound: (event) => {
          if (event.round === 1) throw new Stop('stopped');
        },
      }),
    ).rejects.toThrow(Stop);
    const record = readResumeRecord(stopped);
    await runExperiment(record.experiment, {
      outDir: stopped,
      experimentDir: record.experimentDir,
      container: createFedtuneContainer(),
      checkpointEvery: record.checkpointEvery,
      resume: true,
    });
    expect(withoutWallTime(readLedger(stopped))).toEqual(withoutWallTime(rows));
  }, 120_000);
});

describe('a multi-task run evaluating on the subset', () => {
  it('scores every task on its own subset, per-task accuracy included, and the last round on every example', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'fedtune-evaluation-subset-tasks-'));
    const experiment = {
      ...base,
      data: {
        numClients: 6,
        partition: { kind: 'iid' },
        trainLimit: 600,
        testLimit: 300,
        tasks: [{ name: 'classes' }, { name: 'rotated', rotate: 90 }],
        tasksPerClient: { min: 1, max: 2 },
      },
      selector: 'all',
      training: { ...base.training, rounds: 2 },
      evaluation: { testLimit: 100 },
    } as ExperimentInput;
    await runExperiment(parseExperiment(experiment), { outDir, experimentDir: outDir, container: createFedtuneContainer() });
    const [first, last] = readLedger(outDir) as [LedgerRow, LedgerRow];
    expect(first.testSubsetExamples).toBe(200);
    expect(last.testSubsetExamples).toBeUndefined();
    // Every client holds the one global model, so each task's accuracy is a count over its examples.
    const stepsOf = (accuracy: number, examples: number) => Math.abs(accuracy * examples - Math.round(accuracy * examples));
    for (const accuracy of first.taskAccuracy ?? []) expect(stepsOf(accuracy, 100)).toBeLessThan(1e-9);
    expect(first.taskAccuracy).toHaveLength(2);
    expect(last.taskAccuracy).toHaveLength(2);
  }, 60_000);
});
