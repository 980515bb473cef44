import { createFedtuneContainer, MemoryStore, resolveNamed } from '@fedtune/core';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseSafariAggregatorOptions, plugin, SafariAggregator, SimilarityMatrix } from '../src/index.js';
import { aggregationContext, rounded } from './fixtures.js';

const defaults = parseSafariAggregatorOptions({});
const calibration = {
  round: 0,
  global: [0, 0],
  // Clients 0 and 1 are alike, 2 points the other way, 3 elsewhere.
  received: { 0: [1, 0], 1: [0.9, 0.1], 2: [-1, 0], 3: [0, 5] },
};

describe('SafariAggregator', () => {
  it('forces round 0 through and averages it as FedAvg does', () => {
    const safari = new SafariAggregator(defaults);
    expect([0, 1, 2].map((round) => safari.forcesFullRound(round))).toEqual([true, false, false]);
    const next = safari.aggregate(aggregationContext(4, new MemoryStore(), calibration));
    // ((1 + 0.9 − 1 + 0)/4, (0 + 0.1 + 0 + 5)/4)
    expect(rounded(next)).toEqual([0.225, 1.275]);
  });

  it('measures Euclidean distances in the calibration round and keeps them', () => {
    const memory = new MemoryStore();
    new SafariAggregator(defaults).aggregate(aggregationContext(4, memory, calibration));
    const S = new SimilarityMatrix([0, 1, 2, 3], (id) => memory.of('aggregator', id));
    // ‖(0.1, −0.1)‖ = √0.02; ‖(2, 0)‖ = 2; ‖(1, −5)‖ = √26;
    // ‖(1.9, 0.1)‖ = √3.62; ‖(0.9, −4.9)‖ = √24.82.
    const expected = [
      [0, Math.sqrt(0.02), 2, Math.sqrt(26)],
      [Math.sqrt(0.02), 0, Math.sqrt(3.62), Math.sqrt(24.82)],
      [2, Math.sqrt(3.62), 0, Math.sqrt(26)],
      [Math.sqrt(26), Math.sqrt(24.82), Math.sqrt(26), 0],
    ];
    for (let u = 0; u < 4; u++) for (let v = 0; v < 4; v++) expect(S.get(u, v)).toBeCloseTo(expected[u]![v]!, 5);
  });

  it('replaces each missing client with its nearest received neighbour and averages all N slots', () => {
    const memory = new MemoryStore();
    const safari = new SafariAggregator(defaults);
    safari.aggregate(aggregationContext(4, memory, calibration));
    const next = safari.aggregate(
      aggregationContext(4, memory, {
        round: 1,
        global: [10, 10],
        received: { 1: [2, 2], 2: [-4, 0] },
        missing: { 0: 'lost', 3: 'lost' },
      }),
    );
    // π(0) = 1 (√0.02 < 2) and π(3) = 1 (√24.82 < √26): θ + (3·(2, 2) + (−4, 0))/4 = (10.5, 11.5).
    expect(rounded(next)).toEqual([10.5, 11.5]);
  });

  it('under partial participation averages over the sampled clients only: unsampled ones get no surrogate', () => {
    const memory = new MemoryStore();
    const safari = new SafariAggregator(defaults);
    safari.aggregate(aggregationContext(4, memory, calibration));
    // Clients 0 and 1 were sampled; 2 and 3 were not, so they are neither received nor missing.
    const next = safari.aggregate(
      aggregationContext(4, memory, { round: 1, global: [10, 10], received: { 1: [2, 2] }, missing: { 0: 'lost' } }),
    );
    // π(0) = 1, two slots: θ + (2·(2, 2))/2 = (12, 12); over all four slots it would be (11, 11).
    expect(rounded(next)).toEqual([12, 12]);
  });

  it('keeps the global model when nothing arrives', () => {
    const memory = new MemoryStore();
    const safari = new SafariAggregator(defaults);
    safari.aggregate(aggregationContext(4, memory, calibration));
    const context = aggregationContext(4, memory, {
      round: 1,
      global: [3, -2],
      received: {},
      missing: { 0: 'lost', 1: 'lost', 2: 'lost', 3: 'rejected' },
    });
    const next = safari.aggregate(context);
    expect(Array.from(next)).toEqual([3, -2]);
    expect(next).not.toBe(context.global);
  });

  it('compares masks with the Hamming distance when asked, which can pick another neighbour', () => {
    const round0 = {
      round: 0,
      global: [0, 0, 0],
      // Client 1 is close to 0 in value but not in support; client 2 has 0's support.
      received: { 0: [1, 0, 0], 1: [0.9, 0.1, 0], 2: [5, 0, 0] },
    };
    const round1 = {
      round: 1,
      global: [0, 0, 0],
      received: { 1: [1, 1, 1], 2: [3, 0, 0] },
      missing: { 0: 'lost' as const },
    };
    const run = (distance: 'euclidean' | 'hamming') => {
      const memory = new MemoryStore();
      const safari = new SafariAggregator({ ...defaults, distance });
      safari.aggregate(aggregationContext(3, memory, round0));
      return rounded(safari.aggregate(aggregationContext(3, memory, round1)));
    };
    // Euclidean: π(0) = 1 → ((1,1,1)·2 + (3,0,0))/3.  Hamming: d(0,1) = 1 bit, d(0,2) = 0 → π(0) = 2.
    expect(run('euclidean')).toEqual([5 / 3, 2 / 3, 2 / 3].map((v) => Math.round(v * 1e6) / 1e6));
    expect(run('hamming')).toEqual([7 / 3, 1 / 3, 1 / 3].map((v) => Math.round(v * 1e6) / 1e6));
  });

  it('leaves the matrix as calibrated by default and blends new distances with refresh "ema"', () => {
    const later = {
      round: 1,
      global: [0, 0],
      received: { 0: [1, 0], 2: [1, 0] },
      missing: { 1: 'lost' as const, 3: 'lost' as const },
    };
    const distance02 = (refresh: 'none' | 'ema') => {
      const memory = new MemoryStore();
      const safari = new SafariAggregator({ ...defaults, refresh, emaDecay: 0.75 });
      safari.aggregate(aggregationContext(4, memory, calibration));
      safari.aggregate(aggregationContext(4, memory, later));
      return new SimilarityMatrix([0, 1, 2, 3], (id) => memory.of('aggregator', id)).get(0, 2);
    };
    expect(distance02('none')).toBe(2);
    // 0.75·2 + 0.25·0
    expect(distance02('ema')).toBeCloseTo(1.5, 6);
  });

  it('weights slots by the missing client’s samples with weighting "samples"', () => {
    const memory = new MemoryStore();
    const safari = new SafariAggregator({ ...defaults, weighting: 'samples' });
    const samples = { 0: 10, 1: 30, 2: 60, 3: 100 };
    safari.aggregate(aggregationContext(4, memory, { ...calibration, samples }));
    const next = safari.aggregate(
      aggregationContext(4, memory, {
        round: 1,
        global: [0, 0],
        received: { 1: [2, 2], 2: [-4, 0] },
        missing: { 0: 'lost', 3: 'skipped' },
        samples,
      }),
    );
    // Client 1 fills its own slot (30) and those of 0 (10) and 3 (100): (140·(2, 2) + 60·(−4, 0))/200.
    expect(rounded(next)).toEqual([0.2, 1.4]);
  });

  test.prop([fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), fc.integer({ min: 1, max: 50 })])(
    'moves the model by a convex combination of the received updates',
    (arrived, round) => {
      const memory = new MemoryStore();
      const safari = new SafariAggregator(defaults);
      const update = (id: number) => [id, -2 * id, 1];
      const all = Object.fromEntries([0, 1, 2, 3, 4, 5].map((id) => [id, update(id)]));
      safari.aggregate(aggregationContext(6, memory, { round: 0, global: [0, 0, 0], received: all }));
      const received = Object.fromEntries([0, 1, 2, 3, 4, 5].filter((id) => arrived[id]).map((id) => [id, update(id)]));
      const missing = Object.fromEntries(
        [0, 1, 2, 3, 4, 5].filter((id) => !arrived[id]).map((id) => [id, 'lost' as const]),
      );
      const next = safari.aggregate(aggregationContext(6, memory, { round, global: [0, 0, 0], received, missing }));
      // Every update is (t, −2t, 1), so the step is (t̄, −2t̄, 1) with t̄ between the extremes that arrived.
      const ids = Object.keys(received).map(Number);
      if (ids.length === 0) {
        expect(Array.from(next)).toEqual([0, 0, 0]);
        return;
      }
      expect(next[2]).toBeCloseTo(1, 6);
      expect(next[1]).toBeCloseTo(-2 * next[0]!, 5);
      expect(next[0]).toBeGreaterThanOrEqual(Math.min(...ids) - 1e-6);
      expect(next[0]).toBeLessThanOrEqual(Math.max(...ids) + 1e-6);
    },
  );

  it('is registered as safari and validates its options', () => {
    const container = createFedtuneContainer();
    plugin.register(container);
    const factory = resolveNamed(container, 'aggregator', 'safari');
    const context = { seed: 0, numClients: 4 };
    expect((factory.create({}, context) as SafariAggregator).options).toEqual({
      distance: 'euclidean',
      refresh: 'none',
      emaDecay: 0.8,
      weighting: 'uniform',
    });
    expect(() => factory.create({ distance: 'cosine' }, context)).toThrow(/aggregator safari: options.distance/);
    expect(() => factory.create({ emaDecay: 2 }, context)).toThrow(/options.emaDecay/);
    expect(() => factory.create({ refrsh: 'ema' }, context)).toThrow(/refrsh/);
  });
});
