import type { LedgerRow } from '@fedtune/core';
import type { RunRecord } from '../read/types.js';

/** What one run achieved over the rounds it finished. */
export interface RunMetrics {
  /** Accuracy at the last evaluated round, or null when no finished round was evaluated. */
  finalAccuracy: number | null;
  bestAccuracy: number | null;
  /** Test perplexity at the last round that reported one (next-byte tasks), else null. */
  finalPerplexity: number | null;
  totalUplinkBytes: number;
  totalDownlinkBytes: number;
  /** Wall time of the finished rounds. */
  wallMs: number;
}

/** The metrics of one run, from its ledger. */
export function runMetrics(run: RunRecord): RunMetrics {
  const accuracies = run.ledger.flatMap((row) => (row.testAccuracy === null ? [] : [row.testAccuracy]));
  const perplexities = run.ledger.flatMap((row) => (row.testPerplexity === undefined ? [] : [row.testPerplexity]));
  return {
    finalAccuracy: accuracies.at(-1) ?? null,
    bestAccuracy: accuracies.length === 0 ? null : Math.max(...accuracies),
    finalPerplexity: perplexities.at(-1) ?? null,
    totalUplinkBytes: sum(run.ledger, (row) => row.uplinkBytes),
    totalDownlinkBytes: sum(run.ledger, (row) => row.downlinkBytes),
    wallMs: sum(run.ledger, (row) => row.wallMs),
  };
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

function sum(rows: readonly LedgerRow[], value: (row: LedgerRow) => number): number {
  return rows.reduce((total, row) => total + value(row), 0);
}
