import type { LedgerRow } from '@fedtune/core';

/** A ledger row of two clients that both uploaded, with `changes` on top: what a results folder written by hand needs. */
export function ledgerRow(round: number, changes: Partial<LedgerRow> & Record<string, unknown> = {}): LedgerRow {
  return {
    round,
    participants: 2,
    uploaded: 2,
    skipped: 0,
    lost: 0,
    rejected: 0,
    uplinkBytes: 100,
    downlinkBytes: 100,
    trainLoss: 1,
    testAccuracy: 0.5,
    testLoss: 0.5,
    wallMs: 1,
    ...changes,
  };
}

/** The ledger.jsonl text of `rows`. */
export const ledgerText = (rows: readonly LedgerRow[]): string => rows.map((row) => `${JSON.stringify(row)}\n`).join('');
