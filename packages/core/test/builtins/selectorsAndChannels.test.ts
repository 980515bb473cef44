import { describe, expect, it } from 'vitest';
import { allSelectorFactory } from '../../src/builtins/selectors/allSelector.js';
import { uniformSelectorFactory } from '../../src/builtins/selectors/uniformSelector.js';
import { bernoulliChannelFactory } from '../../src/builtins/channels/bernoulliChannel.js';
import { gilbertElliottChannelFactory, GilbertElliottChannel } from '../../src/builtins/channels/gilbertElliottChannel.js';
import { reliableChannelFactory } from '../../src/builtins/channels/reliableChannel.js';
import { assignGroups } from '../../src/builtins/channels/clientGroups.js';
import { RandomStreams } from '../../src/random/counterRandom.js';

const ids = Array.from({ length: 50 }, (_, i) => i);
const factoryContext = { seed: 1, numClients: 50 };
const key = (round: number, client = 0, stream: number = RandomStreams.clientSampling) => ({ seed: 1, round, client, stream });

describe('selectors', () => {
  it('all: every client, every round', () => {
    const all = allSelectorFactory.create({}, factoryContext);
    expect(all.sample({ round: 3, clientIds: ids, random: key(3) })).toEqual(ids);
  });

  it('uniform: round(fraction·N) distinct sorted ids, reproducible, varying over rounds', () => {
    const uniform = uniformSelectorFactory.create({ fraction: 0.2 }, factoryContext);
    const first = uniform.sample({ round: 0, clientIds: ids, random: key(0) });
    expect(first).toHaveLength(10);
    expect(new Set(first).size).toBe(10);
    expect(first).toEqual([...first].sort((a, b) => a - b));
    expect(uniform.sample({ round: 0, clientIds: ids, random: key(0) })).toEqual(first);
    expect(uniform.sample({ round: 1, clientIds: ids, random: key(1) })).not.toEqual(first);
  });

  it('uniform: every client is about equally likely over many rounds', () => {
    const uniform = uniformSelectorFactory.create({ fraction: 0.1 }, factoryContext);
    const counts = new Array(50).fill(0);
    for (let round = 0; round < 2000; round++) {
      for (const id of uniform.sample({ round, clientIds: ids, random: key(round) })) counts[id]++;
    }
    // 5 of 50 per round: expected 200 each; binomial sd ≈ 13.4, so ±70 is a > 5-sigma band.
    for (const count of counts) expect(Math.abs(count - 200)).toBeLessThan(70);
  });

  it('uniform: rejects a fraction outside (0, 1]', () => {
    expect(() => uniformSelectorFactory.create({ fraction: 0 }, factoryContext)).toThrow(/options.fraction/);
    expect(() => uniformSelectorFactory.create({}, factoryContext)).toThrow(/options.fraction/);
  });
});

describe('channels', () => {
  const deliveryRate = (channel: { delivers: (c: number, r: number, b: number, k: ReturnType<typeof key>) => boolean }, client: number, rounds = 4000) => {
    let delivered = 0;
    for (let round = 0; round < rounds; round++) {
      if (channel.delivers(client, round, 100, key(round, client, RandomStreams.channel))) delivered++;
    }
    return delivered / rounds;
  };

  it('reliable delivers everything', () => {
    expect(deliveryRate(reliableChannelFactory.create({}, factoryContext), 3, 100)).toBe(1);
  });

  it('bernoulli: two groups deliver at their own rates', () => {
    const channel = bernoulliChannelFactory.create(
      { groups: [{ share: 0.5, successRate: 0.18 }, { share: 0.5, successRate: 0.6 }] },
      factoryContext,
    );
    expect(Math.abs(deliveryRate(channel, 3) - 0.18)).toBeLessThan(0.03);
    expect(Math.abs(deliveryRate(channel, 40) - 0.6)).toBeLessThan(0.03);
  });

  it('bernoulli: per-client rates must cover every client', () => {
    expect(() => bernoulliChannelFactory.create({ rates: [0.5, 0.5] }, factoryContext)).toThrow(/2 entries for 50 clients/);
  });

  it('assignGroups splits ids into contiguous blocks by share', () => {
    // 2.5 rounds half up, so the first half takes the odd client.
    expect(Array.from(assignGroups([1, 1], 5, 'test'))).toEqual([0, 0, 0, 1, 1]);
    expect(Array.from(assignGroups([0.2, 0.8], 10, 'test'))).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('gilbert-elliott: long-run delivery matches the stationary mix, and losses come in bursts', () => {
    const options = { goodToBad: 0.1, badToGood: 0.3, successGood: 1, successBad: 0 };
    const channel = gilbertElliottChannelFactory.create(options, factoryContext) as GilbertElliottChannel;
    // Stationary P(bad) = 0.1 / 0.4 = 0.25, so delivery ≈ 0.75.
    const outcomes: boolean[] = [];
    for (let round = 0; round < 6000; round++) outcomes.push(channel.delivers(7, round, 1, key(round, 7, RandomStreams.channel)));
    const rate = outcomes.filter(Boolean).length / outcomes.length;
    expect(Math.abs(rate - 0.75)).toBeLessThan(0.04);
    // Mean length of a loss burst is 1 / badToGood ≈ 3.3 rounds; independent losses would give 1/0.75 ≈ 1.33.
    let bursts = 0;
    let lostRounds = 0;
    outcomes.forEach((ok, i) => {
      if (!ok) {
        lostRounds++;
        if (i === 0 || outcomes[i - 1]) bursts++;
      }
    });
    expect(lostRounds / bursts).toBeGreaterThan(2.5);
  });

  it('gilbert-elliott: the link state does not depend on which rounds were queried', () => {
    const options = { goodToBad: 0.2, badToGood: 0.2 };
    const dense = gilbertElliottChannelFactory.create(options, factoryContext) as GilbertElliottChannel;
    const sparse = gilbertElliottChannelFactory.create(options, factoryContext) as GilbertElliottChannel;
    const denseStates = Array.from({ length: 60 }, (_, round) => dense.isBad(2, round, key(round, 2, RandomStreams.channel)));
    for (const round of [5, 17, 18, 59]) {
      expect(sparse.isBad(2, round, key(round, 2, RandomStreams.channel))).toBe(denseStates[round]);
    }
  });
});
