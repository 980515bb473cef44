import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../../src/backend/index.js';
import { FedAvgAggregator } from '../../src/builtins/aggregators/fedAvgAggregator.js';
import { MemoryStore } from '../../src/engine/memoryStore.js';

const backend = new ReferenceBackend();
const memory = new MemoryStore();
const base = { round: 0, clientIds: [0, 1, 2], slotsOf: () => 1, backend, memoryOf: (id: number) => memory.of('aggregator', id), missing: [] };

describe('fedavg', () => {
  it('adds the sample-weighted mean update to the global model (hand-checked)', () => {
    const fedavg = new FedAvgAggregator('samples');
    const next = fedavg.aggregate({
      ...base,
      global: Float32Array.of(1, 1),
      received: [
        { clientId: 0, slot: 0, base: Float32Array.of(1, 1), update: Float32Array.of(1, 0), numSamples: 30 },
        { clientId: 2, slot: 0, base: Float32Array.of(1, 1), update: Float32Array.of(-1, 4), numSamples: 10 },
      ],
    });
    // weights 0.75, 0.25 → step (0.5, 1) → (1.5, 2)
    expect(Array.from(next)).toEqual([1.5, 2]);
  });

  it('uniform weighting ignores sample counts', () => {
    const fedavg = new FedAvgAggregator('uniform');
    const next = fedavg.aggregate({
      ...base,
      global: Float32Array.of(0),
      received: [
        { clientId: 0, slot: 0, base: Float32Array.of(0), update: Float32Array.of(2), numSamples: 30 },
        { clientId: 1, slot: 0, base: Float32Array.of(0), update: Float32Array.of(4), numSamples: 10 },
      ],
    });
    expect(Array.from(next)).toEqual([3]);
  });

  it('keeps the global model when nothing arrived', () => {
    const fedavg = new FedAvgAggregator('samples');
    const global = Float32Array.of(1, 2, 3);
    const next = fedavg.aggregate({ ...base, global, received: [], missing: [{ clientId: 1, slot: 0, numSamples: 5, reason: 'lost' }] });
    expect(next).toEqual(global);
    expect(next).not.toBe(global);
  });
});
