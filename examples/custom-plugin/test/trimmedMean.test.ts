import {
  ConfigError,
  createFedtuneContainer,
  resolveNamed,
  type AggregationContext,
  type Backend,
  type ReceivedUpdate,
} from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import plugin, { parseTrimmedMeanOptions, TrimmedMeanAggregator } from '../src/index.js';

const factoryContext = { seed: 0, numClients: 5 };
const backend: Backend = resolveNamed(createFedtuneContainer(), 'backend', 'reference').create({}, factoryContext);

/** An aggregation round over `updates` (one per client) starting from `global`. */
function round(global: number[], updates: number[][]): AggregationContext {
  const received: ReceivedUpdate[] = updates.map((update, clientId) => ({
    clientId,
    slot: 0,
    base: Float32Array.from(global),
    update: Float32Array.from(update),
    numSamples: 10 * (clientId + 1),
  }));
  return {
    round: 0,
    global: Float32Array.from(global),
    received,
    missing: [],
    clientIds: received.map((r) => r.clientId),
    slotsOf: () => 1,
    backend,
    memoryOf: () => {
      throw new Error('trimmed mean keeps no per-client memory');
    },
  };
}

describe('TrimmedMeanAggregator', () => {
  it('matches a hand-checked example: drops the extreme value at each end of every coordinate', () => {
    // Five clients, trim 0.2: one value dropped at each end of each coordinate.
    // Coordinate 0: 1, 2, 3, 4, 100 → mean(2, 3, 4) = 3.   Coordinate 1: -5, 0, 0, 1, 2 → mean(0, 0, 1) = 1/3.
    const next = new TrimmedMeanAggregator(0.2).aggregate(
      round(
        [10, 20],
        [
          [3, 0],
          [100, -5],
          [1, 2],
          [4, 1],
          [2, 0],
        ],
      ),
    );
    expect(next[0]).toBeCloseTo(13, 6);
    expect(next[1]).toBeCloseTo(20 + 1 / 3, 5);
  });

  it('keeps one outlier client from moving the model, where the plain mean follows it', () => {
    const honest = [
      [0.1, -0.2, 0.05],
      [0.12, -0.18, 0.04],
      [0.09, -0.21, 0.06],
      [0.11, -0.19, 0.05],
    ];
    const outlier = [1000, 1000, -1000];
    const context = round([0, 0, 0], [...honest, outlier]);
    const trimmed = new TrimmedMeanAggregator(0.2).aggregate(context);
    const plain = new TrimmedMeanAggregator(0).aggregate(context);
    for (let i = 0; i < 3; i++) {
      const honestValues = honest.map((update) => update[i] ?? 0);
      expect(trimmed[i]).toBeGreaterThanOrEqual(Math.min(...honestValues) - 1e-6);
      expect(trimmed[i]).toBeLessThanOrEqual(Math.max(...honestValues) + 1e-6);
      expect(Math.abs(plain[i] ?? 0)).toBeGreaterThan(190);
    }
  });

  it('is the unweighted mean with trim 0, and keeps the global model when nothing arrived', () => {
    const mean = new TrimmedMeanAggregator(0).aggregate(round([1], [[1], [2], [6]]));
    expect(mean[0]).toBeCloseTo(1 + 3, 6);
    const context = round([1, 2], []);
    const kept = new TrimmedMeanAggregator(0.2).aggregate(context);
    expect(Array.from(kept)).toEqual([1, 2]);
    expect(kept).not.toBe(context.global);
  });

  it('trims nothing while fewer clients arrive than one trimmed value needs', () => {
    // trim 0.2 of 4 clients rounds down to 0 values per end: the plain mean.
    const next = new TrimmedMeanAggregator(0.2).aggregate(round([0], [[1], [2], [3], [100]]));
    expect(next[0]).toBeCloseTo(26.5, 5);
  });
});

describe('options', () => {
  it('defaults trim to 0.1 and rejects values outside [0, 0.5) or unknown keys', () => {
    expect(parseTrimmedMeanOptions({})).toEqual({ trim: 0.1 });
    expect(() => parseTrimmedMeanOptions({ trim: 0.5 })).toThrow(ConfigError);
    expect(() => parseTrimmedMeanOptions({ trim: '0.1' })).toThrow(
      /options\.trim: got "0\.1"; allowed: a number from 0/,
    );
    expect(() => parseTrimmedMeanOptions({ trimm: 0.1 })).toThrow(/unknown option trimm; allowed: trim/);
  });
});

describe('plugin descriptor', () => {
  it('registers trimmed-mean in a fedtune container, beside core components', () => {
    const container = createFedtuneContainer();
    plugin.register(container);
    const aggregator = resolveNamed(container, 'aggregator', 'trimmed-mean').create({ trim: 0.25 }, factoryContext);
    expect(aggregator).toBeInstanceOf(TrimmedMeanAggregator);
    expect((aggregator as TrimmedMeanAggregator).trim).toBe(0.25);
    expect(resolveNamed(container, 'aggregator', 'fedavg').plugin).toBe('@fedtune/core');
  });
});
