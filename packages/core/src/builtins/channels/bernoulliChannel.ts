import { z } from 'zod';
import type { Channel } from '../../contracts/channel.js';
import type { NamedFactory } from '../../contracts/tokens.js';
import { ConfigError } from '../../errors.js';
import { counterUniform, type RandomKey } from '../../random/counterRandom.js';
import { parseOptions } from '../options.js';
import { clientGroupOptions, groupOfClients } from './clientGroups.js';

/** Each upload arrives independently with its client's success probability. */
export class BernoulliChannel implements Channel {
  readonly name = 'bernoulli';

  constructor(private readonly successRateOf: (clientId: number) => number) {}

  delivers(clientId: number, _round: number, _bytes: number, random: RandomKey): boolean {
    return counterUniform(random, 0) < this.successRateOf(clientId);
  }
}

const probability = z.number().min(0).max(1);
const bernoulliOptions = z
  .strictObject({
    successRate: probability.default(0.9).describe('success probability of every client (when neither rates nor groups is given)'),
    rates: z.array(probability).optional().describe('one success probability per client id'),
    /** Groups of clients by share, each with its success probability, placed by `assignment`. */
    ...clientGroupOptions({ successRate: probability }),
  })
  .refine((o) => !(o.rates && o.groups), { message: 'give either rates or groups, not both' });

/**
 * Options: `successRate` (default 0.9), or `rates` (one per client), or `groups`
 * (`[{ share, successRate }]` — SAFARI's two-group links are
 * `[{ share: 0.5, successRate: 0.18 }, { share: 0.5, successRate: 0.6 }]`) with `assignment`:
 * `"blocks"` (default; contiguous id blocks, clients 0–24 in the first group of 50) or
 * `"shuffled"` (the same group sizes over a seeded random permutation of the ids, so link quality
 * is independent of anything else laid out by id, such as `task-groups` class groups).
 */
export const bernoulliChannelFactory: NamedFactory<Channel> = {
  name: 'bernoulli',
  plugin: '@fedtune/core',
  description: 'each upload arrives with a fixed probability, per client or per group of clients',
  optionsSchema: bernoulliOptions,
  create: (options, context) => {
    const { numClients } = context;
    const where = 'channel bernoulli';
    const parsed = parseOptions(where, bernoulliOptions, options);
    const { rates, groups } = parsed;
    const groupOf = groupOfClients(parsed, context, where);
    if (rates) {
      if (rates.length !== numClients) {
        throw new ConfigError(`${where}: options.rates has ${rates.length} entries for ${numClients} clients; give one per client`);
      }
      return new BernoulliChannel((id) => rates[id] ?? 0);
    }
    if (groups && groupOf) {
      return new BernoulliChannel((id) => groups[groupOf[id] ?? 0]?.successRate ?? 0);
    }
    return new BernoulliChannel(() => parsed.successRate);
  },
};
