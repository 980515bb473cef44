import { CheckpointError, MemoryStore, slotComponent } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import { parseSafariAggregatorOptions, SafariAggregator, StaleFedAvgAggregator } from '../src/index.js';
import { aggregationContext } from './fixtures.js';

const DAMAGED = /which this component never writes; the checkpoint the run resumed from was changed or damaged, start the run again without --resume$/;

/** What an aggregator throws when `act` meets the memory a damaged checkpoint gave it. */
function refusal(act: () => unknown): string {
  let thrown: unknown;
  try {
    act();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CheckpointError);
  return (thrown as Error).message;
}

/** Where the server keeps `clientId`'s memory for the aggregator, as the engine scopes it. */
const aggregatorMemory = (store: MemoryStore, clientId: number) => store.of(slotComponent('aggregator', 0), clientId);

describe('server memory of the wrong length, as a damaged checkpoint restores it', () => {
  it('stops SAFARI, naming the key, instead of reading distances past a short row', () => {
    const store = new MemoryStore();
    const safari = new SafariAggregator(parseSafariAggregatorOptions({}));
    safari.aggregate(aggregationContext(4, store, { round: 0, global: [0, 0], received: { 0: [1, 0], 1: [0, 1], 2: [-1, 0], 3: [0, 5] } }));
    // Client 0's row should hold a distance to each of the 4 clients.
    aggregatorMemory(store, 0).set('safari.distances', Float32Array.of(0, 1, 2));
    const message = refusal(() =>
      safari.aggregate(aggregationContext(4, store, { round: 1, global: [0, 0], received: { 1: [1, 1], 3: [2, 2] }, missing: { 0: 'lost' } })),
    );
    expect(message).toMatch(/^memory "safari\.distances" holds 3 values, not 4, /);
    expect(message).toMatch(DAMAGED);
  });

  it('stops fedavg-stale, naming the key, instead of re-applying a last update of another length', () => {
    const store = new MemoryStore();
    const stale = new StaleFedAvgAggregator('uniform', false);
    stale.aggregate(aggregationContext(2, store, { round: 0, global: [0, 0], received: { 0: [1, 0], 1: [0, 1] } }));
    aggregatorMemory(store, 1).set('fedavg-stale.lastUpdate', Float32Array.of(1, 2, 3));
    const message = refusal(() =>
      stale.aggregate(aggregationContext(2, store, { round: 1, global: [0, 0], received: { 0: [1, 1] }, missing: { 1: 'lost' } })),
    );
    expect(message).toMatch(/^memory "fedavg-stale\.lastUpdate" holds 3 values, not 2, /);
    expect(message).toMatch(DAMAGED);
  });
});
