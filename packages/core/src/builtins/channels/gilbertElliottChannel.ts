import { z } from 'zod';
import type { Channel } from '../../contracts/channel.js';
import type { NamedFactory } from '../../contracts/tokens.js';
import { counterUniform, type RandomKey } from '../../random/counterRandom.js';
import { parseOptions } from '../options.js';
import { clientGroupOptions, groupOfClients } from './clientGroups.js';

/** Parameters of one client's two-state link. */
export interface GilbertElliottLink {
  goodToBad: number;
  badToGood: number;
  successGood: number;
  successBad: number;
}

const TRANSITION_DRAW = 0;
const DELIVERY_DRAW = 1;

/**
 * Bursty, time-varying loss: each client's link is a two-state Markov chain (good/bad) that steps
 * once per round whether or not the client sends, and an upload arrives with the current state's
 * success probability. The state at round t is a pure function of (seed, client, rounds ≤ t), so
 * it does not depend on which rounds the client happened to upload in.
 */
export class GilbertElliottChannel implements Channel {
  readonly name = 'gilbert-elliott';
  private readonly cursor = new Map<number, { round: number; bad: boolean }>();

  constructor(private readonly linkOf: (clientId: number) => GilbertElliottLink) {}

  /** Whether the client's link is in the bad state in `round`. */
  isBad(clientId: number, round: number, random: RandomKey): boolean {
    const link = this.linkOf(clientId);
    let state = this.cursor.get(clientId);
    if (!state || state.round > round) {
      // Round 0 starts from the chain's stationary distribution.
      const stationaryBad = link.goodToBad / (link.goodToBad + link.badToGood || 1);
      state = { round: 0, bad: counterUniform({ ...random, round: 0 }, TRANSITION_DRAW) < stationaryBad };
    }
    for (let t = state.round + 1; t <= round; t++) {
      const u = counterUniform({ ...random, round: t }, TRANSITION_DRAW);
      state = { round: t, bad: state.bad ? u >= link.badToGood : u < link.goodToBad };
    }
    this.cursor.set(clientId, state);
    return state.bad;
  }

  delivers(clientId: number, round: number, _bytes: number, random: RandomKey): boolean {
    const link = this.linkOf(clientId);
    const success = this.isBad(clientId, round, random) ? link.successBad : link.successGood;
    return counterUniform(random, DELIVERY_DRAW) < success;
  }
}

const probability = z.number().min(0).max(1);
const linkShape = {
  goodToBad: probability.default(0.1).describe('probability a good link turns bad after a round'),
  badToGood: probability.default(0.3).describe('probability a bad link turns good after a round'),
  successGood: probability.default(0.95).describe('probability an upload arrives over a good link'),
  successBad: probability.default(0.2).describe('probability an upload arrives over a bad link'),
};
const gilbertElliottOptions = z.strictObject({
  ...linkShape,
  /** Groups of clients by share with their own link parameters (unset ones take the defaults above), placed by `assignment`. */
  ...clientGroupOptions({
    goodToBad: probability.optional(),
    badToGood: probability.optional(),
    successGood: probability.optional(),
    successBad: probability.optional(),
  }),
});

/**
 * Options: `goodToBad` (0.1), `badToGood` (0.3), `successGood` (0.95), `successBad` (0.2), and
 * optional `groups` (`[{ share, …link overrides }]`) with `assignment`: `"blocks"` (default;
 * contiguous id blocks) or `"shuffled"` (the same group sizes over a seeded random permutation of
 * the ids), as for `bernoulli`.
 */
export const gilbertElliottChannelFactory: NamedFactory<Channel> = {
  name: 'gilbert-elliott',
  plugin: '@fedtune/core',
  description: 'bursty losses: each client link is a two-state (good, bad) Markov chain',
  optionsSchema: gilbertElliottOptions,
  create: (options, context) => {
    const where = 'channel gilbert-elliott';
    const { groups, assignment, ...defaults } = parseOptions(where, gilbertElliottOptions, options);
    const groupOf = groupOfClients({ groups, assignment }, context, where);
    if (!groups || !groupOf) return new GilbertElliottChannel(() => defaults);
    const links = groups.map(({ share: _share, ...overrides }) => ({ ...defaults, ...stripUndefined(overrides) }));
    return new GilbertElliottChannel((id) => links[groupOf[id] ?? 0] ?? defaults);
  },
};

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
