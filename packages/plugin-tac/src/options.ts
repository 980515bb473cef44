import { parseOptions } from '@fedtune/core/components';
import { z } from 'zod';

/** Options every aggregator of this plugin takes. */
const sharedOptions = {
  includeHead: z.boolean().default(false).describe('cluster (and project) on the whole vector, head included, instead of the LoRA A/B tensors'),
  projectionDir: z.string().min(1).optional().describe('folder for a per-round log of the adapters projected to 2-D (relative to the working directory)'),
};

const weighting = z.enum(['samples', 'uniform']).default('samples');

export const tacOptions = z.strictObject({
  k: z.union([z.number().int().min(1).max(1024), z.literal('auto')]).describe('number of clusters (the number of tasks, in the paper), or `auto` to pick it by silhouette'),
  maxK: z.number().int().min(2).max(64).default(8).describe('largest k `auto` tries'),
  nInit: z.number().int().min(1).max(1000).default(10),
  maxIterations: z.number().int().min(1).max(10_000).default(100),
  tolerance: z.number().min(0).default(1e-6),
  weighting,
  ...sharedOptions,
});

const taskRange = z
  .strictObject({ min: z.number().int().positive(), max: z.number().int().positive() })
  .refine((range) => range.min <= range.max, { message: 'min must not exceed max' });

export const tacOracleOptions = z.strictObject({
  numTasks: z.number().int().min(1).max(16).describe('`data.tasks.length` of the experiment'),
  tasksPerClient: taskRange.describe('`data.tasksPerClient` of the experiment'),
  weighting,
  ...sharedOptions,
});

export const tacLocalOptions = z.strictObject(sharedOptions);

/** Options of `tac`, defaults filled in. */
export type TacOptions = z.output<typeof tacOptions>;
/** Options of `tac-oracle`, defaults filled in. */
export type TacOracleOptions = z.output<typeof tacOracleOptions>;
/** Options of `tac-local`, defaults filled in. */
export type TacLocalOptions = z.output<typeof tacLocalOptions>;

/** Validates `tac`'s options; `k` is required. @throws ConfigError naming the option. */
export function parseTacOptions(options: Readonly<Record<string, unknown>>): TacOptions {
  return parseOptions('aggregator tac', tacOptions, options);
}

/** Validates `tac-oracle`'s options. @throws ConfigError naming the option. */
export function parseTacOracleOptions(options: Readonly<Record<string, unknown>>): TacOracleOptions {
  return parseOptions('aggregator tac-oracle', tacOracleOptions, options);
}

/** Validates `tac-local`'s options. @throws ConfigError naming the option. */
export function parseTacLocalOptions(options: Readonly<Record<string, unknown>>): TacLocalOptions {
  return parseOptions('aggregator tac-local', tacLocalOptions, options);
}
