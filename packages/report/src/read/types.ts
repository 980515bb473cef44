import type { Experiment, LedgerRow, RunSummary } from '@fedtune/core';

/**
 * The resolved experiment a run wrote to `experiment.json`. Only the fields the report relies on
 * are typed; the rest are kept as written, so folders from older or newer versions still compare.
 */
export type ResolvedExperiment = Pick<Experiment, 'name' | 'seed' | 'label'> & {
  training: Pick<Experiment['training'], 'rounds'>;
} & { readonly [field: string]: unknown };

/** One results folder, read. */
export interface RunRecord {
  /** The folder, as it was given (joined with `compare/<label>` for comparison runs). */
  dir: string;
  experiment: ResolvedExperiment;
  /** The finished rounds, in the order they were written. */
  ledger: LedgerRow[];
  /** `summary.json`, or null when the run was cut short before writing it. */
  summary: RunSummary | null;
  /** Rounds the experiment planned (`training.rounds`); more than `ledger.length` when cut short. */
  plannedRounds: number;
  /** What was odd about the folder but did not stop it from being read. */
  warnings: string[];
}

/** A folder that could not be read, and why. */
export interface SkippedRun {
  dir: string;
  reason: string;
}

/** The outcome of reading one folder. */
export type ReadRunResult = { ok: true; run: RunRecord } | { ok: false; skipped: SkippedRun };
