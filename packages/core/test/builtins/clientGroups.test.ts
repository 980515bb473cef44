import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignGroups } from '../../src/builtins/channels/clientGroups.js';
import { bernoulliChannelFactory } from '../../src/builtins/channels/bernoulliChannel.js';
import { gilbertElliottChannelFactory } from '../../src/builtins/channels/gilbertElliottChannel.js';
import type { Channel } from '../../src/contracts/channel.js';
import { taskGroupClients } from '../../src/data/partition.js';
import { RandomStream, RandomStreams } from '../../src/random/counterRandom.js';

const shuffled = (seed: number) => ({ assignment: 'shuffled', seed }) as const;
const members = (groupOf: Uint16Array, group: number) => Array.from(groupOf.keys()).filter((id) => groupOf[id] === group);
const sizes = (groupOf: Uint16Array, numGroups: number) => Array.from({ length: numGroups }, (_, g) => members(groupOf, g).length);
const halves = [1, 1];

describe('assignGroups, shuffled', () => {
  it('keeps the group sizes the shares give in blocks', () => {
    // 2.5 rounds half up, so the first half takes the odd client; 0.2 · 10 = 2.
    expect(sizes(assignGroups(halves, 5, 'test', shuffled(1)), 2)).toEqual([3, 2]);
    expect(sizes(assignGroups([0.2, 0.8], 10, 'test', shuffled(1)), 2)).toEqual([2, 8]);
    expect(sizes(assignGroups([1, 2, 1], 50, 'test', shuffled(7)), 3)).toEqual([13, 25, 12]);
  });

  it('is the same for a seed and differs between seeds', () => {
    const first = assignGroups(halves, 50, 'test', shuffled(1));
    expect(assignGroups(halves, 50, 'test', shuffled(1))).toEqual(first);
    expect(assignGroups(halves, 50, 'test', shuffled(2))).not.toEqual(first);
  });

  it('cuts the permutation drawn from stream linkGroups, round 0, client 0, in order of the groups', () => {
    const ids = Array.from({ length: 10 }, (_, id) => id);
    const permutation = new RandomStream({ seed: 5, round: 0, client: 0, stream: RandomStreams.linkGroups }).shuffle(ids);
    const groupOf = assignGroups([0.2, 0.8], 10, 'test', shuffled(5));
    expect(members(groupOf, 0)).toEqual(permutation.slice(0, 2).sort((a, b) => a - b));
    expect(members(groupOf, 1)).toEqual(permutation.slice(2).sort((a, b) => a - b));
  });

  it('makes the bad-link half independent of the task-groups class halves', () => {
    const [firstClassGroup] = taskGroupClients(50, 2);
    const overlap = (groupOf: Uint16Array) => members(groupOf, 0).filter((id) => firstClassGroup?.includes(id)).length;
    // Blocks put the same 25 ids in the first link group as task-groups in the first class group.
    expect(overlap(assignGroups(halves, 50, 'test'))).toBe(25);
    // Shuffled: the overlap is hypergeometric, mean 12.5 and sd ≈ 1.79 (25 of 50 drawn, 25 marked).
    const overlaps = Array.from({ length: 400 }, (_, i) => overlap(assignGroups(halves, 50, 'test', shuffled(i + 1))));
    const mean = overlaps.reduce((a, b) => a + b, 0) / overlaps.length;
    // The mean of 400 has sd ≈ 0.09, so ±0.45 is a 5-sigma band.
    expect(Math.abs(mean - 12.5)).toBeLessThan(0.45);
    // P(overlap ≥ 22 or ≤ 3) ≈ 1e-7 per seed.
    expect(Math.max(...overlaps)).toBeLessThan(22);
    expect(Math.min(...overlaps)).toBeGreaterThan(3);
  });

  it('property: any shares and federation size give the block sizes over a permutation of the ids', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 10, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 300 }),
        fc.nat(),
        (shares, numClients, seed) => {
          const blocks = assignGroups(shares, numClients, 'test');
          const placed = assignGroups(shares, numClients, 'test', shuffled(seed));
          // Blocks are ascending, so sorting the shuffled groups must give exactly the blocks:
          // every id has one group, and each group has its block's size.
          expect(placed).toHaveLength(numClients);
          expect(Uint16Array.from(placed).sort()).toEqual(blocks);
        },
      ),
    );
  });
});

describe('channel option assignment', () => {
  const context = { seed: 3, numClients: 50 };
  const key = (client: number) => ({ seed: 3, round: 0, client, stream: RandomStreams.channel });
  /** Clients whose upload arrives; with success rates 0 and 1 that is exactly the second group. */
  const arriving = (channel: Channel) => Array.from({ length: 50 }, (_, id) => id).filter((id) => channel.delivers(id, 0, 1, key(id)));
  const secondGroup = (assignment?: 'shuffled') =>
    members(assignGroups(halves, 50, 'test', assignment ? shuffled(context.seed) : undefined), 1);
  const bernoulli = (extra: Record<string, unknown>) =>
    bernoulliChannelFactory.create({ groups: [{ share: 1, successRate: 0 }, { share: 1, successRate: 1 }], ...extra }, context);
  const gilbertElliott = (extra: Record<string, unknown>) =>
    gilbertElliottChannelFactory.create(
      { groups: [{ share: 1, successGood: 0, successBad: 0 }, { share: 1, successGood: 1, successBad: 1 }], ...extra },
      context,
    );

  it('defaults to blocks on both group-based channels', () => {
    expect(arriving(bernoulli({}))).toEqual(secondGroup());
    expect(arriving(gilbertElliott({}))).toEqual(secondGroup());
    expect(arriving(bernoulli({ assignment: 'blocks' }))).toEqual(secondGroup());
  });

  it('shuffled places the clients of both channels by the run seed, identically', () => {
    expect(secondGroup('shuffled')).not.toEqual(secondGroup());
    expect(arriving(bernoulli({ assignment: 'shuffled' }))).toEqual(secondGroup('shuffled'));
    expect(arriving(gilbertElliott({ assignment: 'shuffled' }))).toEqual(secondGroup('shuffled'));
  });

  it('refuses an assignment without groups, or one it does not know', () => {
    expect(() => bernoulliChannelFactory.create({ successRate: 0.5, assignment: 'shuffled' }, context)).toThrow(
      /channel bernoulli: options.assignment places clients in options.groups; give groups, or remove assignment/,
    );
    expect(() => gilbertElliottChannelFactory.create({ assignment: 'blocks' }, context)).toThrow(
      /channel gilbert-elliott: options.assignment places clients in options.groups/,
    );
    expect(() => bernoulli({ assignment: 'random' })).toThrow(/options.assignment: .*"blocks".*"shuffled"/);
  });
});
