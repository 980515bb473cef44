import {
  averageOverCoverage,
  parseOptions,
  type AggregationContext,
  type Aggregator,
  type ClientMemory,
  type NamedFactory,
  storedScalar,
  storedTensor,
} from '@fedtune/core';
import type { z } from 'zod';
import { aquilaAggregatorDescription } from './components.js';
import { aquilaAggregatorOptions } from './options.js';

const LATEST_KEY = 'latestUpload';
const LATEST_ROUND_KEY = 'latestUploadRound';

/** How many rounds old a skipped client's last upload may be and still be re-applied, by default. */
export const DEFAULT_MAX_REUSE_AGE = 10;

/** Validated options of the `aquila` aggregator. */
export type AquilaAggregatorOptions = z.output<typeof aquilaAggregatorOptions>;

/** Validates the `aquila` aggregator's options, filling the defaults. */
export function parseAquilaAggregatorOptions(options: Readonly<Record<string, unknown>>): AquilaAggregatorOptions {
  return parseOptions('aggregator aquila', aquilaAggregatorOptions, options);
}

/** One vector the round's mean counts, and the coordinates it covers. */
interface Counted {
  update: Float32Array;
  coverage: Uint32Array | undefined;
}

/**
 * Lazy aggregation (LAG/LAQ/AQUILA). Updates are local − global, the negative of the papers'
 * gradients, so their θ ← θ − α·(1/M)·Σ_m q_m with α = 1 is θ ← θ + (1/M)·Σ_m q_m here. The sum
 * runs over this round's participants that uploaded (their new q_m) or that skipped (the q_m the
 * server keeps from their last upload, while it is at most `maxReuseAge` rounds old): a skip says
 * "my update is still close to my last upload", and nothing else does. A participant whose update
 * was rejected loses its stored upload (it diverged, and reusing its past would hide that); one
 * that was lost, and every client not sampled this round, contributes nothing this round. M counts
 * the vectors summed. Every client counts equally, as in the papers; a client training several
 * task slots counts once per slot, each with its own last upload. Clients training slices of the
 * adapter (heterogeneous ranks) count only on the coordinates they train.
 *
 * The stored uploads are the aggregator's own server memory, apart from the compressor's copy of
 * q_m, so dropping one never puts the compressor's two copies out of step.
 */
export class AquilaAggregator implements Aggregator {
  readonly name = 'aquila';
  readonly supportsSlices = true;
  readonly supportsTaskSlots = true;

  /**
   * @param mode `lazy` or `uploadersOnly`.
   * @param maxReuseAge in `lazy` mode, how many rounds old a re-applied upload may be.
   */
  constructor(
    readonly mode: AquilaAggregatorOptions['mode'],
    readonly maxReuseAge = DEFAULT_MAX_REUSE_AGE,
  ) {}

  aggregate(context: AggregationContext): Float32Array {
    const { global, received, backend } = context;
    const counted: Counted[] = received.map((r) => ({ update: r.update, coverage: r.coverage }));
    if (this.mode === 'lazy') counted.push(...this.reusedUploads(context));
    if (counted.length === 0) return global.slice();
    const step = averageOverCoverage(
      backend,
      counted.map((c) => c.update),
      new Array<number>(counted.length).fill(1 / counted.length),
      counted.map((c) => c.coverage),
    );
    return backend.axpy(1, step, global);
  }

  /** Stores this round's uploads, drops rejected clients' ones, and returns those skipped clients may reuse. */
  private reusedUploads({ round, global, received, missing, memoryOf, coverageOf }: AggregationContext): Counted[] {
    for (const { clientId, slot, update } of received) {
      const memory = memoryOf(clientId, slot);
      memory.set(LATEST_KEY, update.slice());
      memory.set(LATEST_ROUND_KEY, round);
    }
    const reused: Counted[] = [];
    for (const { clientId, slot, reason } of missing) {
      const memory = memoryOf(clientId, slot);
      if (reason === 'rejected') forgetUpload(memory);
      if (reason !== 'skipped') continue;
      // Stored uploads are full-length: the engine scatters a slice's update into the whole model.
      const latest = storedTensor(memory, LATEST_KEY, global.length);
      const uploadedIn = storedScalar(memory, LATEST_ROUND_KEY, { integer: true });
      if (latest !== undefined && uploadedIn !== undefined && round - uploadedIn <= this.maxReuseAge) {
        reused.push({ update: latest, coverage: coverageOf?.(clientId) });
      }
    }
    return reused;
  }
}

function forgetUpload(memory: ClientMemory): void {
  memory.delete(LATEST_KEY);
  memory.delete(LATEST_ROUND_KEY);
}

/** The `aquila` aggregator: options `mode` (`lazy` by default, or `uploadersOnly`) and `maxReuseAge`. */
export const aquilaAggregatorFactory: NamedFactory<Aggregator> = {
  ...aquilaAggregatorDescription,
  create: (options) => {
    const { mode, maxReuseAge } = parseAquilaAggregatorOptions(options);
    return new AquilaAggregator(mode, maxReuseAge);
  },
};
