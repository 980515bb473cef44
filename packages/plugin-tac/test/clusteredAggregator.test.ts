import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AggregationContext,
  CheckpointError,
  MemoryStore,
  type ReceivedUpdate,
  type SlotAggregation,
  slotComponent,
  slotKey,
} from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import { ClusteredAggregator } from '../src/clusteredAggregator.js';
import { parseProjectionLog } from '../src/projectionLog.js';
import { kMeansClustering, singletonClustering, trueTaskClustering } from '../src/slotClusterings.js';
import { backend } from './helpers.js';

/** Two LoRA values and one head value per adapter. */
const layout = [
  { name: 'fc1.lora_A.weight', shape: [1, 1] },
  { name: 'fc1.lora_B.weight', shape: [1, 1] },
  { name: 'head.weight', shape: [1, 1] },
];

interface Upload {
  clientId: number;
  slot: number;
  trained: number[];
  numSamples: number;
}

/** A round in which each upload's trained parameters are `trained` (base (1,1,1) + update). */
function round(number: number, uploads: readonly Upload[], memory: MemoryStore, clientIds = [0, 1, 2, 3]): AggregationContext {
  const base = Float32Array.of(1, 1, 1);
  const received: ReceivedUpdate[] = uploads.map((u) => ({
    clientId: u.clientId,
    slot: u.slot,
    base,
    update: Float32Array.from(u.trained, (x) => x - 1),
    numSamples: u.numSamples,
  }));
  return {
    round: number,
    global: Float32Array.of(0, 0, 0),
    received,
    missing: [],
    clientIds,
    slotsOf: (clientId) => (clientId === 0 ? 2 : 1),
    backend,
    layout,
    memoryOf: (clientId, slot = 0) => memory.of(slotComponent('aggregator', slot), clientId),
  };
}

/** Where a slot starts next round, as the engine reads a slot aggregation: its group (−1: the global vector's) and parameters. */
function startOf({ global, groups }: SlotAggregation, key: string): { group: number; parameters: Float32Array } {
  const group = groups.findIndex((g) => g.slots.includes(key));
  return { group, parameters: group < 0 ? global : (groups[group]?.parameters as Float32Array) };
}

/** Every slot key the aggregation lists in some group. */
function listed({ groups }: SlotAggregation): string[] {
  return groups.flatMap((g) => g.slots).sort();
}

const kMeansSettings = { k: 2 as const, maxK: 8, nInit: 10, maxIterations: 100, tolerance: 1e-6, seed: 3 };
const settings = { weighting: 'samples' as const, includeHead: false, seed: 3 };

describe('ClusteredAggregator with the true tasks', () => {
  // Client 0 holds tasks 0 and 1, client 1 task 1, client 2 task 0.
  const oracle = new ClusteredAggregator('tac-oracle', { ...settings, clustering: trueTaskClustering([[0, 1], [1], [0]]) });
  const uploads: Upload[] = [
    { clientId: 2, slot: 0, trained: [4, 4, 4], numSamples: 30 },
    { clientId: 0, slot: 1, trained: [-2, 0, 6], numSamples: 10 },
    { clientId: 0, slot: 0, trained: [0, 0, 0], numSamples: 10 },
    { clientId: 1, slot: 0, trained: [2, 4, 2], numSamples: 30 },
  ];

  it('sends each task\'s slots their sample-weighted mean, one group per task', () => {
    const result = oracle.aggregate(round(0, uploads, new MemoryStore()));
    // Task 0: (10·(0,0,0) + 30·(4,4,4)) / 40 = (3,3,3). Task 1: (10·(−2,0,6) + 30·(2,4,2)) / 40 = (1,3,3).
    // Both clusters hold two slots: the global vector is the first cluster's mean, so task 0's slots
    // start from it and task 1's slots form the one group.
    expect(Array.from(result.global)).toEqual([3, 3, 3]);
    expect(result.groups).toHaveLength(1);
    expect(Array.from(result.groups[0]?.parameters as Float32Array)).toEqual([1, 3, 3]);
    expect([...(result.groups[0]?.slots ?? [])].sort()).toEqual([slotKey(0, 1), slotKey(1, 0)]);
    expect(startOf(result, slotKey(0, 0)).group).toBe(-1);
    expect(startOf(result, slotKey(2, 0)).group).toBe(-1);
  });

  it('lets a slot that sent nothing keep what it was last sent, and leaves unseen slots out', () => {
    const memory = new MemoryStore();
    const first = oracle.aggregate(round(0, uploads.slice(1), memory));
    expect(listed(first)).not.toContain(slotKey(2, 0));
    // Round 1: only client 2 sends; the others keep what they were sent in round 0, in their round-0 groups.
    const second = oracle.aggregate(round(1, [uploads[0] as Upload], memory));
    expect(Array.from(second.global)).toEqual([4, 4, 4]);
    expect(startOf(second, slotKey(2, 0)).group).toBe(-1);
    for (const key of [slotKey(0, 0), slotKey(0, 1), slotKey(1, 0)]) {
      expect(startOf(second, key).group).toBeGreaterThanOrEqual(0);
      expect(Array.from(startOf(second, key).parameters)).toEqual(Array.from(startOf(first, key).parameters));
    }
    expect(startOf(second, slotKey(0, 1)).group).toBe(startOf(second, slotKey(1, 0)).group);
    expect(startOf(second, slotKey(0, 0)).group).not.toBe(startOf(second, slotKey(0, 1)).group);
  });

  it('keeps idle slots grouped by what they were sent, however memory was restored', () => {
    const memory = new MemoryStore();
    oracle.aggregate(round(0, uploads.slice(1), memory));
    // A restored memory (a resumed run) holds copies: the groups must not depend on shared arrays.
    const restored = MemoryStore.fromEntries([...memory.entries()].map(([scope, key, value]) => [scope, key, typeof value === 'number' ? value : value.slice()]));
    const second = oracle.aggregate(round(1, [uploads[0] as Upload], restored));
    expect(startOf(second, slotKey(0, 1)).group).toBe(startOf(second, slotKey(1, 0)).group);
    expect(second.groups).toHaveLength(2);
  });

  it.each([
    ['2 parameters of 3', 'tac.parameters', Float32Array.of(1, 3), /^memory "tac\.parameters" holds 2 values, not 3, /],
    ['a fractional cluster', 'tac.sentCluster', 0.5, /^memory "tac\.sentCluster" holds 0\.5, not a whole number, /],
    ['a round not yet run', 'tac.sentRound', 1, /^memory "tac\.sentRound" holds round 1, not one before round 1, /],
    ['no round', 'tac.sentRound', undefined, /^memory "tac\.sentRound" holds nothing, though "tac\.parameters" holds the parameters sent with it, /],
  ])('stops, naming the key, on an idle slot whose memory a damaged checkpoint gave %s', (_, key, damaged, expected) => {
    const memory = new MemoryStore();
    oracle.aggregate(round(0, uploads.slice(1), memory));
    // Slot 1/0 is idle in round 1, so the aggregator groups it by what memory says it was sent.
    const slotMemory = memory.of(slotComponent('aggregator', 0), 1);
    if (damaged === undefined) slotMemory.delete(key);
    else slotMemory.set(key, damaged);
    let thrown: unknown;
    try {
      oracle.aggregate(round(1, [uploads[0] as Upload], memory));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CheckpointError);
    expect((thrown as Error).message).toMatch(expected);
    expect((thrown as Error).message).toMatch(/start the run again without --resume$/);
  });

  it('refuses a slot the task map does not know', () => {
    expect(() => oracle.aggregate(round(0, [{ clientId: 1, slot: 1, trained: [0, 0, 0], numSamples: 1 }], new MemoryStore()))).toThrow(
      /client 1 trains 1 slots, but the task map drawn from the options gives it 1 tasks/,
    );
  });

  it('refuses a client training fewer slots than its map lists, whose slots it would match to the wrong tasks', () => {
    // Client 0's map says tasks 0 and 1; a partition that took task 0 from it leaves one slot, training task 1.
    const context = { ...round(0, [{ clientId: 0, slot: 0, trained: [0, 0, 0], numSamples: 1 }], new MemoryStore()), slotsOf: () => 1 };
    expect(() => oracle.aggregate(context)).toThrow(
      /tac-oracle: client 0 trains 1 slots, but the task map drawn from the options gives it 2 tasks; .*smallShares at "redraw"/,
    );
  });

  it('keeps the global vector when nothing arrived', () => {
    const context = round(0, [], new MemoryStore());
    const { global, groups } = oracle.aggregate(context);
    expect(Array.from(global)).toEqual([0, 0, 0]);
    expect(global).not.toBe(context.global);
    expect(groups).toHaveLength(0);
  });
});

describe('ClusteredAggregator with k-means (tac)', () => {
  // LoRA values group slots {A, B} and {C, D}; head values group {A, C} and {B, D}.
  const uploads: Upload[] = [
    { clientId: 0, slot: 0, trained: [0, 0, 0], numSamples: 1 },
    { clientId: 1, slot: 0, trained: [0, 1, 50], numSamples: 1 },
    { clientId: 2, slot: 0, trained: [10, 10, 0], numSamples: 1 },
    { clientId: 3, slot: 0, trained: [10, 11, 50], numSamples: 1 },
  ];
  const groups = (result: SlotAggregation) => [0, 1, 2, 3].map((c) => startOf(result, slotKey(c, 0)).group);

  it('clusters on the LoRA tensors only by default', () => {
    const tac = new ClusteredAggregator('tac', { ...settings, clustering: kMeansClustering(kMeansSettings) });
    const result = tac.aggregate(round(0, uploads, new MemoryStore()));
    const [a, b, c, d] = groups(result);
    expect(a).toBe(b);
    expect(c).toBe(d);
    expect(a).not.toBe(c);
    expect(Array.from(startOf(result, slotKey(0, 0)).parameters)).toEqual([0, 0.5, 25]);
  });

  it('clusters on the head too when asked', () => {
    const tac = new ClusteredAggregator('tac', { ...settings, includeHead: true, clustering: kMeansClustering(kMeansSettings) });
    const [a, b, c, d] = groups(tac.aggregate(round(0, uploads, new MemoryStore())));
    expect(a).toBe(c);
    expect(b).toBe(d);
    expect(a).not.toBe(b);
  });

  it('logs each round\'s adapters projected to 2-D, with their clusters', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tac-projection-'));
    const tac = new ClusteredAggregator('tac', { ...settings, projectionDir: folder, clustering: kMeansClustering(kMeansSettings) });
    const memory = new MemoryStore();
    tac.aggregate(round(0, uploads, memory));
    tac.aggregate(round(1, uploads.slice(0, 3), memory));
    const records = parseProjectionLog(readFileSync(join(folder, 'tac-seed-3.jsonl'), 'utf8'));
    expect(records.map((r) => [r.round, r.slots.length])).toEqual([
      [0, 4],
      [1, 3],
    ]);
    expect(records[0]?.slots.map((s) => s.cluster)).toEqual([0, 0, 1, 1]);
    // LoRA points (0,0), (0,1), (10,10), (10,11): the groups lie far apart along PC1.
    const xs = records[0]?.slots.map((s) => s.x) as number[];
    expect(Math.abs((xs[0] as number) - (xs[2] as number))).toBeGreaterThan(10);
    expect(Math.abs((xs[0] as number) - (xs[1] as number))).toBeLessThan(1);
  });
});

describe('ClusteredAggregator without aggregation (tac-local)', () => {
  it('sends every slot back exactly what it trained', () => {
    const local = new ClusteredAggregator('tac-local', { ...settings, weighting: 'uniform', clustering: singletonClustering });
    const result = local.aggregate(
      round(0, [
        { clientId: 0, slot: 0, trained: [1, 2, 3], numSamples: 5 },
        { clientId: 0, slot: 1, trained: [4, 5, 6], numSamples: 5 },
      ], new MemoryStore()),
    );
    expect(Array.from(startOf(result, slotKey(0, 0)).parameters)).toEqual([1, 2, 3]);
    expect(Array.from(startOf(result, slotKey(0, 1)).parameters)).toEqual([4, 5, 6]);
  });
});
