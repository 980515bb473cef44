import type { LedgerRow } from '@fedtune/core';
import type { RunRecord } from '../read/types.js';
import { largest } from './extremes.js';

/** How well the slots' parameters grouped by true task at one evaluation (per-slot aggregators). */
export interface ClusteringFigures {
  /** Share of slots whose cluster maps to their true task under the best one-to-one matching. */
  accuracy: number;
  adjustedRandIndex: number;
}

/** What one run achieved over the rounds it finished. */
export interface RunMetrics {
  /** Accuracy at the last evaluated round, or null when no finished round was evaluated. */
  finalAccuracy: number | null;
  bestAccuracy: number | null;
  /** Test perplexity at the last round that reported one (next-byte tasks), else null. */
  finalPerplexity: number | null;
  /** Test cross-entropy at the last evaluated round, or null when none was evaluated. */
  finalTestLoss: number | null;
  /** Mean local training loss of the last finished round (null for an empty ledger). */
  finalTrainLoss: number | null;
  /** Per-task accuracy (task order) at the last round that reported it (multi-task runs), else null. */
  finalTaskAccuracy: number[] | null;
  /**
   * Per-task accuracy of the adapter most of a task's clients hold, at the last round that reported
   * it (multi-task runs of this version), else null.
   */
  finalMajorityAdapterTaskAccuracy: number[] | null;
  /** The clustering at the last round that reported it (per-slot aggregators), else null. */
  finalClustering: ClusteringFigures | null;
  /** The adapter's named diagnostics at the last round that reported them, else null. */
  finalAdapterMetrics: Readonly<Record<string, number>> | null;
  totalUplinkBytes: number;
  totalDownlinkBytes: number;
  /** Uploads sent, whether or not they arrived. */
  uploadsSent: number;
  /** Uploads a skip rule chose not to send. */
  uploadsSkipped: number;
  /** Uploads the channel dropped. */
  uploadsLost: number;
  /** Updates refused: training diverged, or the upload failed validation. */
  updatesRejected: number;
  /**
   * Uplink bits per value the sent uploads carried (8·Σ uplinkBytes / Σ uplinkValues), or null
   * when a round does not record its values (older ledgers) or nothing was sent.
   */
  bitsPerValue: number | null;
  /**
   * Uplink bytes per upload sent (Σ uplinkBytes / uploads sent), or null when nothing was sent: a
   * run whose clients stopped uploading (a collapse, or a skip rule) sends less in total without
   * any upload being cheaper, which this shows.
   */
  uplinkBytesPerUpload: number | null;
  /** Wall time of the finished rounds. */
  wallMs: number;
}

/** The metrics of one run, from its ledger. */
export function runMetrics(run: RunRecord): RunMetrics {
  const { ledger } = run;
  const accuracies = evaluatedAccuracies(ledger);
  return {
    finalAccuracy: finalAccuracy(ledger),
    bestAccuracy: accuracies.length === 0 ? null : largest(accuracies),
    finalPerplexity: lastReported(ledger, (row) => row.testPerplexity),
    finalTestLoss: lastReported(ledger, (row) => row.testLoss ?? undefined),
    finalTrainLoss: ledger.at(-1)?.trainLoss ?? null,
    finalTaskAccuracy: lastReported(ledger, (row) => row.taskAccuracy),
    finalMajorityAdapterTaskAccuracy: lastReported(ledger, (row) => row.majorityAdapterTaskAccuracy),
    finalClustering: lastReported(ledger, (row) => row.clustering),
    finalAdapterMetrics: lastReported(ledger, (row) => row.metrics),
    totalUplinkBytes: sum(ledger, (row) => row.uplinkBytes),
    totalDownlinkBytes: sum(ledger, (row) => row.downlinkBytes),
    uploadsSent: sum(ledger, (row) => row.uploaded),
    uploadsSkipped: sum(ledger, (row) => row.skipped),
    uploadsLost: sum(ledger, (row) => row.lost),
    updatesRejected: sum(ledger, (row) => row.rejected),
    bitsPerValue: bitsPerValue(ledger),
    uplinkBytesPerUpload: perUpload(ledger),
    wallMs: sum(ledger, (row) => row.wallMs),
  };
}

/** Σ uplinkBytes over the uploads sent, or null when none was sent. */
function perUpload(ledger: readonly LedgerRow[]): number | null {
  const uploads = sum(ledger, (row) => row.uploaded);
  return uploads === 0 ? null : sum(ledger, (row) => row.uplinkBytes) / uploads;
}

/** Test accuracy at the last evaluated round, or null when no finished round was evaluated. */
export function finalAccuracy(ledger: readonly LedgerRow[]): number | null {
  return evaluatedAccuracies(ledger).at(-1) ?? null;
}

/**
 * Mean test accuracy over the last `evaluations` evaluated rounds (all of them when there are
 * fewer), or null when no round was evaluated: steadier than the final accuracy alone when it
 * moves from one evaluation to the next.
 */
export function lateAccuracy(ledger: readonly LedgerRow[], evaluations: number): number | null {
  const last = evaluatedAccuracies(ledger).slice(-evaluations);
  return last.length === 0 ? null : last.reduce((total, value) => total + value, 0) / last.length;
}

/**
 * Uplink bits sent up to and including the first round whose test accuracy reached `target`, or
 * null when no evaluated round did.
 */
export function bitsToReach(ledger: readonly LedgerRow[], target: number): number | null {
  let bits = 0;
  for (const row of ledger) {
    bits += row.uplinkBytes * 8;
    if (row.testAccuracy !== null && row.testAccuracy >= target) return bits;
  }
  return null;
}

function evaluatedAccuracies(ledger: readonly LedgerRow[]): number[] {
  return ledger.flatMap((row) => (row.testAccuracy === null ? [] : [row.testAccuracy]));
}

/** The value of the last row that has one: evaluation-only fields are absent from other rounds. */
function lastReported<T>(ledger: readonly LedgerRow[], value: (row: LedgerRow) => T | undefined): T | null {
  for (let index = ledger.length - 1; index >= 0; index--) {
    const found = value(ledger[index] as LedgerRow);
    if (found !== undefined) return found;
  }
  return null;
}

function bitsPerValue(ledger: readonly LedgerRow[]): number | null {
  if (ledger.some((row) => row.uplinkValues === undefined)) return null;
  const values = sum(ledger, (row) => row.uplinkValues ?? 0);
  return values === 0 ? null : (8 * sum(ledger, (row) => row.uplinkBytes)) / values;
}

function sum(rows: readonly LedgerRow[], value: (row: LedgerRow) => number): number {
  return rows.reduce((total, row) => total + value(row), 0);
}
