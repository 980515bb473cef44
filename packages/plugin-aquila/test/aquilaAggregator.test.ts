import { ConfigError, MemoryStore, slotComponent, type AggregationContext, type MissingReason } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import { AquilaAggregator, aquilaCompressorFactory, parseAquilaAggregatorOptions } from '../src/index.js';
import { backend, codecContext, factoryContext } from './helpers.js';

/**
 * A round's context: `uploads` (client id → update) arrived, `missing` (client id → why) were
 * sampled but sent nothing usable, every other client of 0..4 was not sampled. The server memory
 * persists across the rounds of a test.
 */
function roundContext(
  server: MemoryStore,
  round: number,
  global: number[],
  uploads: Record<number, number[]>,
  missing: Record<number, MissingReason> = {},
): AggregationContext {
  const globalVector = Float32Array.from(global);
  return {
    round,
    global: globalVector,
    received: Object.entries(uploads).map(([clientId, update]) => ({
      clientId: Number(clientId),
      slot: 0,
      base: globalVector,
      update: Float32Array.from(update),
      numSamples: 100,
    })),
    missing: Object.entries(missing).map(([clientId, reason]) => ({ clientId: Number(clientId), slot: 0, numSamples: 100, reason })),
    clientIds: [0, 1, 2, 3, 4],
    slotsOf: () => 1,
    backend,
    memoryOf: (clientId, slot = 0) => server.of(slotComponent('aggregator', slot), clientId),
  };
}

const step = (aggregator: AquilaAggregator, context: AggregationContext) => Array.from(aggregator.aggregate(context));

describe('aquila aggregator, lazy: re-applies the last uploads of skipped participants only', () => {
  it('after a skip, a rejection, a loss, an absence and ageing (hand-checked)', () => {
    const server = new MemoryStore();
    const lazy = new AquilaAggregator('lazy', 2);
    // Round 0: clients 0–3 upload; client 4 is not sampled. Mean ((1 + 0 + 2 + 4)/4, (0 + 1 + 2 + 0)/4).
    expect(step(lazy, roundContext(server, 0, [0, 0], { 0: [1, 0], 1: [0, 1], 2: [2, 2], 3: [4, 0] }))).toEqual([1.75, 0.75]);
    // Round 1: client 3 uploads (0, 4); client 0 skips (its round-0 upload, 1 round old, counts);
    // client 1 is rejected (its stored upload is dropped), client 2 is lost, client 4 absent.
    // Mean of (0, 4) and (1, 0).
    const round1 = roundContext(server, 1, [0, 0], { 3: [0, 4] }, { 0: 'skipped', 1: 'rejected', 2: 'lost' });
    expect(step(lazy, round1)).toEqual([0.5, 2]);
    // Round 2: clients 1 and 2 skip. Client 1's upload was dropped at its rejection; client 2's round-0
    // upload is 2 rounds old, within maxReuseAge = 2, so it counts although the loss kept it out of round 1.
    expect(step(lazy, roundContext(server, 2, [0, 0], {}, { 1: 'skipped', 2: 'skipped' }))).toEqual([2, 2]);
    // Round 3: clients 0 and 2 skip with round-0 uploads, 3 rounds old: too stale. Client 3 skips with
    // its round-1 upload, 2 rounds old: it alone counts.
    expect(step(lazy, roundContext(server, 3, [0, 0], {}, { 0: 'skipped', 2: 'skipped', 3: 'skipped' }))).toEqual([0, 4]);
    // Round 4: only unsampled clients and a lost one: nothing moves the model.
    const kept = roundContext(server, 4, [5, 6], {}, { 3: 'lost' });
    expect(step(lazy, kept)).toEqual([5, 6]);
    expect(lazy.aggregate(kept)).not.toBe(kept.global);
  });

  it('drops a rejected client\'s stored upload, while the compressor\'s two copies of q_m stay in step', () => {
    const compressor = aquilaCompressorFactory.create({}, factoryContext);
    const clients = new MemoryStore();
    const server = new MemoryStore();
    const lazy = new AquilaAggregator('lazy');
    const send = (round: number, update: number[]) => {
      const payload = compressor.encode(Float32Array.from(update), codecContext(clients.of('compressor', 0), round));
      return Array.from(compressor.decode(payload, update.length, codecContext(server.of('compressor', 0), round)));
    };
    const compressorCopies = () => [clients.of('compressor', 0).get('lastUpload'), server.of('compressor', 0).get('lastUpload')];
    lazy.aggregate(roundContext(server, 0, [0, 0], { 0: send(0, [1, 2]) }));
    // Round 1: the upload is decoded (both copies of q_m move) and then refused by the server's screen.
    send(1, [50, -50]);
    lazy.aggregate(roundContext(server, 1, [0, 0], {}, { 0: 'rejected' }));
    expect(server.of(slotComponent('aggregator', 0), 0).get('latestUpload')).toBeUndefined();
    const [clientCopy, serverCopy] = compressorCopies();
    expect(serverCopy).toEqual(clientCopy);
    // Round 2: a skip re-applies nothing; round 3's upload decodes around the same q_m on both sides.
    expect(step(lazy, roundContext(server, 2, [0, 0], {}, { 0: 'skipped' }))).toEqual([0, 0]);
    expect(send(3, [3, 4])).toEqual(Array.from(clients.of('compressor', 0).get('lastUpload') as Float32Array));
  });

  it('reuses within 10 rounds by default', () => {
    const server = new MemoryStore();
    const lazy = new AquilaAggregator('lazy');
    lazy.aggregate(roundContext(server, 0, [0, 0], { 0: [1, 2] }));
    expect(step(lazy, roundContext(server, 10, [0, 0], {}, { 0: 'skipped' }))).toEqual([1, 2]);
    expect(step(lazy, roundContext(server, 11, [0, 0], {}, { 0: 'skipped' }))).toEqual([0, 0]);
  });

  it('keeps each task slot\'s last upload, not only a client\'s last slot (hand-checked)', () => {
    const server = new MemoryStore();
    const lazy = new AquilaAggregator('lazy');
    const context = roundContext(server, 0, [0, 0], {});
    // Client 0 trains two task slots and uploads (1, 0) from slot 0 and (0, 1) from slot 1.
    const twoSlots: AggregationContext = {
      ...context,
      clientIds: [0],
      slotsOf: () => 2,
      received: [0, 1].map((slot) => ({ clientId: 0, slot, base: context.global, update: Float32Array.of(1 - slot, slot), numSamples: 10 })),
    };
    expect(step(lazy, twoSlots)).toEqual([0.5, 0.5]);
    // Next round both slots skip: both stale uploads count.
    const skipped = [0, 1].map((slot) => ({ clientId: 0, slot, numSamples: 10, reason: 'skipped' as const }));
    expect(step(lazy, { ...twoSlots, round: 1, global: Float32Array.of(0.5, 0.5), received: [], missing: skipped })).toEqual([1, 1]);
  });

  it('counts a re-applied upload only on the coordinates its client trains (hand-checked)', () => {
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
    expect(step(lazy, withSlices(roundContext(server, 0, [0, 0], { 0: [2, 4], 1: [6, 0] })))).toEqual([4, 4]);
    // Round 1: client 2 sends (0, 1), clients 0 and 1 skip: (2 + 6 + 0)/3 and (4 + 1)/2.
    const second = step(lazy, withSlices(roundContext(server, 1, [0, 0], { 2: [0, 1] }, { 0: 'skipped', 1: 'skipped' })));
    expect(second[0]).toBeCloseTo(8 / 3, 6);
    expect(second[1]).toBeCloseTo(2.5, 6);
    expect(lazy.supportsSlices).toBe(true);
  });

  it('keeps the global model before anyone ever uploaded, and never changes its inputs', () => {
    const context = roundContext(new MemoryStore(), 0, [1, 2], { 0: [4, 4] });
    const before = Array.from(context.received[0]!.update);
    new AquilaAggregator('lazy').aggregate(context);
    expect(Array.from(context.received[0]!.update)).toEqual(before);
    expect(step(new AquilaAggregator('lazy'), roundContext(new MemoryStore(), 0, [1, 2], {}, { 0: 'skipped' }))).toEqual([1, 2]);
  });
});

describe('aquila aggregator, uploadersOnly: the mean of this round\'s decoded uploads, nothing reused', () => {
  it('ignores skipped participants and keeps the global model when none uploaded', () => {
    const server = new MemoryStore();
    const uploadersOnly = new AquilaAggregator('uploadersOnly');
    uploadersOnly.aggregate(roundContext(server, 0, [0, 0], { 0: [1, 2], 1: [3, 0] }));
    expect(step(uploadersOnly, roundContext(server, 1, [2, 1], { 2: [0, 3] }, { 0: 'skipped' }))).toEqual([2, 4]);
    expect(step(uploadersOnly, roundContext(server, 2, [5, 6], {}, { 0: 'skipped', 1: 'skipped' }))).toEqual([5, 6]);
  });
});

describe('aquila aggregator options', () => {
  it('defaults to lazy and rejects unknown modes, bad ages, and an age without reuse', () => {
    expect(parseAquilaAggregatorOptions({})).toEqual({ mode: 'lazy' });
    expect(parseAquilaAggregatorOptions({ maxReuseAge: 3 })).toEqual({ mode: 'lazy', maxReuseAge: 3 });
    expect(() => parseAquilaAggregatorOptions({ mode: 'eager' })).toThrow(ConfigError);
    expect(() => parseAquilaAggregatorOptions({ maxReuseAge: 0 })).toThrow(/options\.maxReuseAge/);
    expect(() => parseAquilaAggregatorOptions({ mode: 'uploadersOnly', maxReuseAge: 3 })).toThrow(/maxReuseAge applies only to mode "lazy"/);
  });
});
