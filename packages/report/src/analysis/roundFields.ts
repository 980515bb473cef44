import type { LedgerRow } from '@fedtune/core';

/**
 * Per-round quantities that only some runs' ledgers hold (losses, perplexity, bits per value) or
 * that only some experiments spend (downlink), charted by round where a run has them.
 */
export type RoundField = 'testLoss' | 'trainLoss' | 'testPerplexity' | 'bitsPerValue' | 'downlinkBits';

/** Each field's value in one ledger row; undefined where the row has none, so the field is left out of that round. */
export const ROUND_FIELD_VALUES: Readonly<Record<RoundField, (row: LedgerRow) => number | undefined>> = {
  // Null on rounds that were not evaluated (test) or where every participant diverged (training).
  testLoss: (row) => row.testLoss ?? undefined,
  trainLoss: (row) => row.trainLoss ?? undefined,
  testPerplexity: (row) => row.testPerplexity,
  // Older ledgers do not record the values sent, and a round that sent nothing has no bits per value.
  bitsPerValue: (row) =>
    row.uplinkValues === undefined || row.uplinkValues === 0 ? undefined : (8 * row.uplinkBytes) / row.uplinkValues,
  downlinkBits: (row) => 8 * row.downlinkBytes,
};

/** The round fields, in the order their charts are drawn. */
export const ROUND_FIELDS = Object.keys(ROUND_FIELD_VALUES) as RoundField[];
