import { ConfigError, type AggregationContext, type Aggregator } from '@fedtune/core';

/**
 * Coordinate-wise trimmed mean (Yin et al., 2018): for every coordinate, the `⌊trim·n⌋` largest and
 * smallest of the n received values are dropped and the rest averaged, so a few clients sending
 * extreme updates cannot drag the model far. Every received update counts equally (sample counts
 * would let one client outweigh the trimming); missing clients are simply absent.
 */
export class TrimmedMeanAggregator implements Aggregator {
  readonly name = 'trimmed-mean';
  /** It keeps no state per client, so clients may train one slot per task. */
  readonly supportsTaskSlots = true;

  /** @param trim fraction of values dropped at each end, in [0, 0.5). */
  constructor(readonly trim: number) {}

  aggregate({ global, received, backend }: AggregationContext): Float32Array {
    if (received.length === 0) return global.slice();
    const updates = received.map((r) => r.update);
    const cut = Math.floor(this.trim * updates.length);
    const kept = updates.length - 2 * cut;
    const column = new Float64Array(updates.length);
    const step = new Float32Array(global.length);
    for (let i = 0; i < global.length; i++) {
      updates.forEach((update, client) => {
        column[client] = update[i] ?? 0;
      });
      column.sort();
      let sum = 0;
      for (let j = cut; j < cut + kept; j++) sum += column[j] ?? 0;
      step[i] = sum / kept;
    }
    return backend.axpy(1, step, global);
  }
}

/**
 * Validates the experiment file's options for `trimmed-mean`: `{ "trim": 0.1 }` by default.
 * @throws ConfigError naming the option and the allowed range.
 */
export function parseTrimmedMeanOptions(options: Readonly<Record<string, unknown>>): { trim: number } {
  const unknown = Object.keys(options).filter((key) => key !== 'trim');
  if (unknown.length > 0) {
    throw new ConfigError(`aggregator trimmed-mean: unknown option ${unknown.join(', ')}; allowed: trim`);
  }
  const trim = options.trim ?? 0.1;
  if (typeof trim !== 'number' || !Number.isFinite(trim) || trim < 0 || trim >= 0.5) {
    throw new ConfigError(
      `aggregator trimmed-mean: options.trim: got ${JSON.stringify(trim)}; allowed: a number from 0 up to (not ` +
        'including) 0.5, the fraction of values dropped at each end of every coordinate (e.g. 0.1)',
    );
  }
  return { trim };
}
