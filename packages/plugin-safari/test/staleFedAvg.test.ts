import { createFedtuneContainer, MemoryStore, resolveNamed } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import { plugin, StaleFedAvgAggregator } from '../src/index.js';
import { aggregationContext, rounded } from './fixtures.js';

describe('StaleFedAvgAggregator', () => {
  it('reuses each missing client’s own last update that arrived', () => {
    const memory = new MemoryStore();
    const stale = new StaleFedAvgAggregator('uniform', false);
    const first = stale.aggregate(
      aggregationContext(4, memory, {
        round: 0,
        global: [0, 0],
        received: { 0: [1, 0], 1: [0, 1] },
        missing: { 2: 'lost', 3: 'lost' },
      }),
    );
    // Nothing stored yet for 2 and 3: the mean of the two that arrived.
    expect(rounded(first)).toEqual([0.5, 0.5]);
    const second = stale.aggregate(
      aggregationContext(4, memory, {
        round: 1,
        global: [5, 5],
        received: { 1: [4, 4] },
        missing: { 0: 'lost', 2: 'lost', 3: 'skipped' },
      }),
    );
    // Client 1 fresh (4, 4), client 0 stale (1, 0); 2 and 3 never arrived: θ + ((4, 4) + (1, 0))/2.
    expect(rounded(second)).toEqual([7.5, 7]);
  });

  it('weights by samples when asked, and keeps the model when no update, fresh or stale, exists', () => {
    const memory = new MemoryStore();
    const stale = new StaleFedAvgAggregator('samples', false);
    const samples = { 0: 10, 1: 30 };
    stale.aggregate(aggregationContext(2, memory, { round: 0, global: [0], received: { 0: [2], 1: [6] }, samples }));
    const next = stale.aggregate(
      aggregationContext(2, memory, { round: 1, global: [0], received: { 1: [10] }, missing: { 0: 'lost' }, samples }),
    );
    // (10·2 + 30·10)/40
    expect(rounded(next)).toEqual([8]);
    const empty = new StaleFedAvgAggregator('uniform', false);
    const kept = empty.aggregate(
      aggregationContext(2, new MemoryStore(), {
        round: 0,
        global: [1, 2],
        received: {},
        missing: { 0: 'lost', 1: 'lost' },
      }),
    );
    expect(Array.from(kept)).toEqual([1, 2]);
  });

  it('forces round 0 through only with fullFirstRound', () => {
    expect(new StaleFedAvgAggregator('uniform', true).forcesFullRound(0)).toBe(true);
    expect(new StaleFedAvgAggregator('uniform', true).forcesFullRound(1)).toBe(false);
    expect(new StaleFedAvgAggregator('uniform', false).forcesFullRound(0)).toBe(false);
  });

  it('is registered as fedavg-stale and validates its options', () => {
    const container = createFedtuneContainer();
    plugin.register(container);
    const factory = resolveNamed(container, 'aggregator', 'fedavg-stale');
    const created = factory.create({ fullFirstRound: true }, { seed: 0, numClients: 2 }) as StaleFedAvgAggregator;
    expect([created.weighting, created.fullFirstRound]).toEqual(['uniform', true]);
    expect(() => factory.create({ weighting: 'equal' }, { seed: 0, numClients: 2 })).toThrow(
      /fedavg-stale: options.weighting/,
    );
  });
});
