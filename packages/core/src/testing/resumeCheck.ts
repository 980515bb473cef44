import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFedtuneContainer } from '../builtins/corePlugin.js';
import type { FedtunePlugin } from '../contracts/plugin.js';
import { readResumeRecord } from '../engine/resumeRecord.js';
import { runExperiment } from '../engine/runExperiment.js';
import { expandRuns } from '../engine/runSpecs.js';
import type { LedgerRow } from '../engine/ledger.js';
import type { Experiment } from '../experiment/schema.js';

/** How {@link runStoppedAndResumed} runs an experiment. */
export interface ResumeCheckInput {
  experiment: Experiment;
  /** The plugins the experiment uses, registered into a fresh container for each run. */
  plugins: readonly FedtunePlugin[];
  /** Checkpoint after every this many rounds. */
  checkpointEvery: number;
  /** The round of the main run during which the run is stopped (after its ledger row is written). */
  stopInRound: number;
}

/** The ledger columns a clock or a network measures, which no two runs share. */
type MeasuredColumns = 'wallMs' | 'uplinkWireBytes' | 'downlinkWireBytes';

/**
 * One run's ledger rows without what a clock or a network measures (wall time, wire bytes), and
 * its exported adapter's bytes (absent for head-only runs).
 */
export interface RunRecord {
  label: string;
  ledger: Omit<LedgerRow, MeasuredColumns>[];
  adapter: Buffer | undefined;
}

/** The same experiment run straight through, and stopped then resumed from its checkpoint. */
export interface ResumeCheckResult {
  whole: RunRecord[];
  resumed: RunRecord[];
}

class StopRequested extends Error {}

/**
 * Runs `experiment` (and its comparisons) once without stopping and once stopped during
 * `stopInRound` and resumed from the last checkpoint, in temporary folders, and returns both
 * records. A plugin whose components keep state between rounds passes when the two are equal:
 * everything the components carry must live in client or server memory, or in the slot groups.
 *
 * ```ts
 * const { whole, resumed } = await runStoppedAndResumed({ experiment, plugins: [plugin], checkpointEvery: 2, stopInRound: 3 });
 * expect(resumed).toEqual(whole);
 * ```
 */
export async function runStoppedAndResumed(input: ResumeCheckInput): Promise<ResumeCheckResult> {
  const { experiment, checkpointEvery, stopInRound } = input;
  if (stopInRound < checkpointEvery || stopInRound >= experiment.training.rounds) {
    throw new RangeError(
      `stopInRound ${stopInRound} must lie between checkpointEvery (${checkpointEvery}) and the last round (${experiment.training.rounds - 1}), or nothing is resumed`,
    );
  }
  const container = () => {
    const fresh = createFedtuneContainer();
    for (const plugin of input.plugins) plugin.register(fresh);
    return fresh;
  };
  const root = mkdtempSync(join(tmpdir(), 'fedtune-resume-check-'));
  const whole = join(root, 'whole');
  const stopped = join(root, 'stopped');
  await runExperiment(experiment, { outDir: whole, experimentDir: root, container: container(), workers: 1 });
  try {
    await runExperiment(experiment, {
      outDir: stopped,
      experimentDir: root,
      container: container(),
      workers: 1,
      checkpointEvery,
      onRound: ({ label, round }) => {
        if (label === expandRuns(experiment)[0]?.label && round === stopInRound) throw new StopRequested();
      },
    });
    throw new Error(`the run was not stopped in round ${stopInRound}; is it that long?`);
  } catch (error) {
    if (!(error instanceof StopRequested)) throw error;
  }
  const record = readResumeRecord(stopped);
  await runExperiment(record.experiment, {
    outDir: stopped,
    experimentDir: record.experimentDir,
    container: container(),
    workers: 1,
    checkpointEvery: record.checkpointEvery,
    resume: true,
  });
  return { whole: readRunRecords(experiment, whole), resumed: readRunRecords(experiment, stopped) };
}

/**
 * Every run's record (the main run, then each `compare` entry) from `experiment`'s results folder
 * `outDir`: what two runs of one experiment and seed must agree on, however and wherever they ran.
 */
export function readRunRecords(experiment: Experiment, outDir: string): RunRecord[] {
  return expandRuns(experiment).map(({ label, folder }) => {
    const dir = folder === '' ? outDir : join(outDir, 'compare', folder);
    const ledger = readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const { wallMs: _wallMs, uplinkWireBytes: _uplink, downlinkWireBytes: _downlink, ...row } = JSON.parse(line) as LedgerRow;
        return row;
      });
    let adapter: Buffer | undefined;
    try {
      adapter = readFileSync(join(dir, 'adapter', 'adapter_model.safetensors'));
    } catch {
      adapter = undefined;
    }
    return { label, ledger, adapter };
  });
}
