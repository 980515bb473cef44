import { ConfigError, MemoryStore, slotComponent, type AggregationContext } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import { AquilaAggregator, parseAquilaAggregatorOptions } from '../src/index.js';
import { backend } from './helpers.js';

/** A round's context in which `uploads` (client id → update) arrived; the server memory persists. */
function roundContext(server: MemoryStore, global: number[], uploads: Record<number, number[]>): AggregationContext {
  const globalVector = Float32Array.from(global);
  const received = Object.entries(uploads).map(([clientId, update]) => ({
    clientId: Number(clientId),
    slot: 0,
    base: globalVector,
    update: Float32Array.from(update),
    numSamples: 100,
  }));
  return {
    round: 0,
    global: globalVector,
    received,
    missing: [],
    clientIds: [0, 1, 2],
    slotsOf: () => 1,
    backend,
    memoryOf: (clientId, slot = 0) => server.of(slotComponent('aggregator', slot), clientId),
  };
}

describe('aquila aggregator', () => {
  it('lazy: keeps each task slot\'s latest upload, not only a client\'s last slot (hand-checked)', () => {
    const server = new MemoryStore();
    const lazy = new AquilaAggregator('lazy');
    const context = roundContext(server, [0, 0], {});
    // Client 0 trains two task slots and uploads (1, 0) from slot 0 and (0, 1) from slot 1: M = 2.
    const twoSlots: AggregationContext = {
      ...context,
      clientIds: [0],
      slotsOf: () => 2,
      received: [0, 1].map((slot) => ({ clientId: 0, slot, base: context.global, update: Float32Array.of(1 - slot, slot), numSamples: 10 })),
    };
    expect(Array.from(lazy.aggregate(twoSlots))).toEqual([0.5, 0.5]);
    // Next round nothing arrives: both stale uploads still count.
    expect(Array.from(lazy.aggregate({ ...twoSlots, global: Float32Array.of(0.5, 0.5), received: [] }))).toEqual([1, 1]);
  });

  it('lazy: adds the mean of every client’s latest upload, reusing stale ones (hand-checked)', () => {
    const server = new MemoryStore();
    const lazy = new AquilaAggregator('lazy');
    // Round 0: clients 0 and 1 upload (1, 2) and (3, 0); M = 2, step (2, 1).
    const first = lazy.aggregate(roundContext(server, [0, 0], { 0: [1, 2], 1: [3, 0] }));
    expect(Array.from(first)).toEqual([2, 1]);
    // Round 1: only client 2 uploads (0, 3); M = 3, step ((1 + 3 + 0)/3, (2 + 0 + 3)/3).
    const second = lazy.aggregate(roundContext(server, [2, 1], { 2: [0, 3] }));
    expect(second[0]).toBeCloseTo(2 + 4 / 3, 6);
    expect(second[1]).toBeCloseTo(1 + 5 / 3, 6);
    // Round 2: client 0 uploads (−2, 0) over its stale (1, 2); nobody else does.
    const third = lazy.aggregate(roundContext(server, [0, 0], { 0: [-2, 0] }));
    expect(third[0]).toBeCloseTo(1 / 3, 6);
    expect(third[1]).toBeCloseTo(1, 6);
    // Round 3: nothing arrives, yet the stale uploads still move the model.
    const fourth = lazy.aggregate(roundContext(server, [0, 0], {}));
    expect(fourth[0]).toBeCloseTo(1 / 3, 6);
  });

  it('uploadersOnly: the plain mean of this round’s uploads, and the global model when none arrived', () => {
    const server = new MemoryStore();
    const official = new AquilaAggregator('uploadersOnly');
    official.aggregate(roundContext(server, [0, 0], { 0: [1, 2], 1: [3, 0] }));
    expect(Array.from(official.aggregate(roundContext(server, [2, 1], { 2: [0, 3] })))).toEqual([2, 4]);
    const context = roundContext(server, [5, 6], {});
    const kept = official.aggregate(context);
    expect(Array.from(kept)).toEqual([5, 6]);
    expect(kept).not.toBe(context.global);
  });

  it('keeps the global model before anyone ever uploaded, and never changes its inputs', () => {
    const context = roundContext(new MemoryStore(), [1, 2], { 0: [4, 4] });
    const before = Array.from(context.received[0]!.update);
    new AquilaAggregator('lazy').aggregate(context);
    expect(Array.from(context.received[0]!.update)).toEqual(before);
    expect(Array.from(new AquilaAggregator('lazy').aggregate(roundContext(new MemoryStore(), [1, 2], {})))).toEqual([
      1, 2,
    ]);
  });

  it('lazy with slices: a stale upload counts only on the coordinates its client trains (hand-checked)', () => {
    const server = new MemoryStore();
    const lazy = new AquilaAggregator('lazy');
    // Client 1 trains coordinate 0 only (a lower-rank slice); the others train both.
    const coverageOf = (clientId: number) => (clientId === 1 ? Uint32Array.of(0) : undefined);
    const withSlices = (context: AggregationContext): AggregationContext => ({
      ...context,
      received: context.received.map((r) => (r.clientId === 1 ? { ...r, coverage: Uint32Array.of(0) } : r)),
      coverageOf,
    });
    // Round 0: client 0 sends (2, 4), client 1 sends (6, 0): coordinate 0 is (2 + 6)/2, coordinate 1 is 4/1.
    const first = lazy.aggregate(withSlices(roundContext(server, [0, 0], { 0: [2, 4], 1: [6, 0] })));
    expect(Array.from(first)).toEqual([4, 4]);
    // Round 1: client 2 sends (0, 1); stale uploads still count: (2 + 6 + 0)/3 and (4 + 1)/2.
    const second = lazy.aggregate(withSlices(roundContext(server, [0, 0], { 2: [0, 1] })));
    expect(second[0]).toBeCloseTo(8 / 3, 6);
    expect(second[1]).toBeCloseTo(2.5, 6);
    expect(lazy.supportsSlices).toBe(true);
  });

  it('defaults to lazy and rejects unknown modes', () => {
    expect(parseAquilaAggregatorOptions({})).toEqual({ mode: 'lazy' });
    expect(() => parseAquilaAggregatorOptions({ mode: 'eager' })).toThrow(ConfigError);
  });
});
