import { z } from 'zod';
import type { SamplingContext, Selector } from '../../contracts/selector.js';
import type { NamedFactory } from '../../contracts/tokens.js';
import { RandomStream } from '../../random/counterRandom.js';
import { parseOptions } from '../options.js';

/**
 * Samples round(fraction·N) distinct clients uniformly without replacement (at least one), with a
 * partial Fisher–Yates shuffle driven by the round's counter key; every sampled client uploads.
 */
export class UniformSelector implements Selector {
  readonly name = 'uniform';

  constructor(readonly fraction: number) {}

  /** The fraction asked for; a small federation rounds it to a whole number of clients. */
  get participation(): number {
    return this.fraction;
  }

  sample({ clientIds, random }: SamplingContext): number[] {
    const count = Math.min(clientIds.length, Math.max(1, Math.round(this.fraction * clientIds.length)));
    const pool = clientIds.slice();
    const stream = new RandomStream(random);
    for (let i = 0; i < count; i++) {
      const j = i + stream.int(pool.length - i);
      const chosen = pool[j] as number;
      pool[j] = pool[i] as number;
      pool[i] = chosen;
    }
    return pool.slice(0, count).sort((a, b) => a - b);
  }

  shouldUpload(): boolean {
    return true;
  }
}

const uniformOptions = z.strictObject({
  fraction: z.number().gt(0).max(1).describe('share of clients sampled each round, in (0, 1]'),
});

/** Options: `fraction` (required). */
export const uniformSelectorFactory: NamedFactory<Selector> = {
  name: 'uniform',
  plugin: '@fedtune/core',
  description: 'a uniform random share of the clients each round, without replacement',
  optionsSchema: uniformOptions,
  create: (options) => new UniformSelector(parseOptions('selector uniform', uniformOptions, options).fraction),
};
