import type { LedgerRow, RunSummary } from '@fedtune/core';
import { z } from 'zod';

const count = z.number().int().nonnegative();

/** The most rounds an experiment runs (its file's `training.rounds` limit), and so a ledger holds. */
export const MAX_ROUNDS = 100_000;
const fraction = z.number().min(0).max(1);

/**
 * One line of `ledger.jsonl`. Unknown fields, such as a plugin's, are kept as written and not
 * checked, so newer ledgers still read and the per-round CSV can list them.
 */
export const ledgerRowSchema = z.looseObject({
  round: count,
  participants: count,
  uploaded: count,
  skipped: count,
  lost: count,
  rejected: count,
  uplinkBytes: z.number().nonnegative(),
  uplinkValues: count.optional(),
  uplinkWireBytes: count.optional(),
  downlinkWireBytes: count.optional(),
  testPerplexity: z.number().positive().optional(),
  downlinkBytes: z.number().nonnegative(),
  trainLoss: z.number().nullable(),
  testAccuracy: fraction.nullable(),
  testLoss: z.number().nullable(),
  testSubsetExamples: count.positive().optional(),
  wallMs: z.number().nonnegative(),
  taskAccuracy: z.array(fraction).min(1).optional(),
  majorityAdapterTaskAccuracy: z.array(fraction).min(1).optional(),
  clustering: z.object({ accuracy: fraction, adjustedRandIndex: z.number().min(-1).max(1) }).optional(),
  metrics: z.record(z.string().min(1), z.number()).optional(),
}) satisfies z.ZodType<LedgerRow>;

/** The fields of `experiment.json` the report needs; every other field is kept as written. */
export const resolvedExperimentSchema = z.looseObject({
  name: z.string().min(1),
  seed: z.number().int().nonnegative(),
  label: z.string().optional(),
  training: z.looseObject({ rounds: z.number().int().positive().max(MAX_ROUNDS) }),
});

/** `summary.json`. */
export const runSummarySchema = z.object({
  label: z.string(),
  name: z.string(),
  seed: z.number(),
  rounds: count,
  finalAccuracy: z.number(),
  bestAccuracy: z.number(),
  totalUplinkBytes: z.number(),
  totalDownlinkBytes: z.number(),
  wallMs: z.number(),
  trainableParameters: count,
  outDir: z.string(),
  backend: z.string(),
  tfBackend: z.string(),
  data: z.string(),
  components: z.record(z.string(), z.string()),
  finishedAt: z.string(),
}) satisfies z.ZodType<RunSummary>;
