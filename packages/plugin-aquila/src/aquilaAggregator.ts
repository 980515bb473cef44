import { averageOverCoverage, parseOptions, type AggregationContext, type Aggregator, type NamedFactory } from '@fedtune/core';
import { z } from 'zod';
import { PACKAGE_NAME } from './packageName.js';

const LATEST_KEY = 'latestUpload';

const aquilaAggregatorOptions = z.strictObject({
  /**
   * `lazy`: θ ← θ + (1/M)·Σ_m q_m over every client that ever uploaded, reusing stale uploads
   * (LAQ and the paper); `uploadersOnly`: the mean of this round's uploads (the official code).
   */
  mode: z.enum(['lazy', 'uploadersOnly']).default('lazy'),
});

/** Validated options of the `aquila` aggregator. */
export type AquilaAggregatorOptions = z.output<typeof aquilaAggregatorOptions>;

/** Validates the `aquila` aggregator's options, filling the defaults. */
export function parseAquilaAggregatorOptions(options: Readonly<Record<string, unknown>>): AquilaAggregatorOptions {
  return parseOptions('aggregator aquila', aquilaAggregatorOptions, options);
}

/**
 * Lazy aggregation (LAG/LAQ/AQUILA). Updates are local − global, the negative of the papers'
 * gradients, so their θ ← θ − α·(1/M)·Σ_m q_m with α = 1 is θ ← θ + (1/M)·Σ_m q_m here, where q_m
 * is client m's latest upload and M the number of clients that have uploaded at least once. A
 * client that skipped, was not sampled or was lost keeps counting with its stale q_m; every client
 * counts equally, as in the papers; a client training several task slots counts once per slot,
 * each with its own latest upload. Clients training slices of the adapter (heterogeneous ranks)
 * count only on the coordinates they train.
 */
export class AquilaAggregator implements Aggregator {
  readonly name = 'aquila';
  readonly supportsSlices = true;
  readonly supportsTaskSlots = true;

  constructor(readonly mode: AquilaAggregatorOptions['mode']) {}

  aggregate({ global, received, clientIds, slotsOf, backend, memoryOf, coverageOf }: AggregationContext): Float32Array {
    for (const { clientId, slot, update } of received) memoryOf(clientId, slot).set(LATEST_KEY, update.slice());
    const counted =
      this.mode === 'lazy'
        ? clientIds.flatMap((clientId) =>
            Array.from({ length: slotsOf(clientId) }, (_, slot) => memoryOf(clientId, slot).get(LATEST_KEY)).flatMap((latest) =>
              latest instanceof Float32Array ? [{ update: latest, coverage: coverageOf?.(clientId) }] : [],
            ),
          )
        : received.map((r) => ({ update: r.update, coverage: r.coverage }));
    if (counted.length === 0) return global.slice();
    const step = averageOverCoverage(
      backend,
      counted.map((c) => c.update),
      new Array<number>(counted.length).fill(1 / counted.length),
      counted.map((c) => c.coverage),
    );
    return backend.axpy(1, step, global);
  }
}

/** The `aquila` aggregator: option `mode` (`lazy` by default, or `uploadersOnly`). */
export const aquilaAggregatorFactory: NamedFactory<Aggregator> = {
  name: 'aquila',
  plugin: PACKAGE_NAME,
  create: (options) => new AquilaAggregator(parseAquilaAggregatorOptions(options).mode),
};
