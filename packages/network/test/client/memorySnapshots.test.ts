import { MemoryStore } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import { MemorySnapshots } from '../../src/client/memorySnapshots.js';

/** A store with one client's compressor memory: a residual vector and a counter. */
function storeWith(residual: number, count: number): MemoryStore {
  const store = new MemoryStore();
  const memory = store.of('compressor', 3);
  memory.set('residual', Float32Array.of(residual, residual));
  memory.set('count', count);
  return store;
}

const contents = (store: MemoryStore | undefined) => (store === undefined ? undefined : [...store.entries()]);

describe('MemorySnapshots', () => {
  it('keeps copies that later writes to the live memory or to a restored copy do not reach', () => {
    const snapshots = new MemorySnapshots();
    const live = storeWith(1, 1);
    snapshots.take(2, live);
    (live.of('compressor', 3).get('residual') as Float32Array).fill(9);
    live.of('compressor', 3).set('count', 5);
    const restored = snapshots.before(2);
    expect(contents(restored)).toEqual(contents(storeWith(1, 1)));
    (restored?.of('compressor', 3).get('residual') as Float32Array).fill(7);
    expect(contents(snapshots.before(2))).toEqual(contents(storeWith(1, 1)));
  });

  it('keeps the newest two checkpoints, and forgets those after a round it goes back to', () => {
    const snapshots = new MemorySnapshots();
    for (const round of [2, 4, 6]) snapshots.take(round, storeWith(round, round));
    expect(snapshots.before(2)).toBeUndefined();
    expect(contents(snapshots.before(4))).toEqual(contents(storeWith(4, 4)));
    snapshots.forgetAfter(4);
    expect(snapshots.before(6)).toBeUndefined();
    expect(contents(snapshots.before(4))).toEqual(contents(storeWith(4, 4)));
  });
});
