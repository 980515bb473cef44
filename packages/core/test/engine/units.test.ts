import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/engine/memoryStore.js';
import { findUpdateProblem } from '../../src/engine/updateValidation.js';
import { expandRuns, slugify } from '../../src/engine/runSpecs.js';
import { experimentSchema } from '../../src/experiment/schema.js';

describe('MemoryStore', () => {
  it('keeps components and clients apart and counts bytes', () => {
    const store = new MemoryStore();
    store.of('compressor', 1).set('last', new Float32Array(10));
    store.of('selector', 1).set('clock', 3);
    expect(store.of('compressor', 2).get('last')).toBeUndefined();
    expect(store.of('selector', 1).get('last')).toBeUndefined();
    expect(store.of('selector', 1).get('clock')).toBe(3);
    expect(store.byteSize()).toBe(40 + 8);
    store.of('compressor', 1).delete('last');
    expect(store.byteSize()).toBe(8);
  });
});

describe('findUpdateProblem', () => {
  it('accepts a finite update of the right length', () => {
    expect(findUpdateProblem(Float32Array.of(1, -2, 0), 3)).toBeUndefined();
  });
  it('names a wrong length, NaN and Infinity with their index', () => {
    expect(findUpdateProblem(Float32Array.of(1, 2), 3)).toBe('has 2 values, the model has 3');
    expect(findUpdateProblem(Float32Array.of(1, NaN, 2), 3)).toBe('holds NaN at index 1');
    expect(findUpdateProblem(Float32Array.of(1, 2, -Infinity), 3)).toBe('holds -Infinity at index 2');
  });
});

describe('expandRuns', () => {
  const experiment = experimentSchema.parse({
    data: { numClients: 4 },
    training: { rounds: 2, learningRate: 0.01 },
    compressor: { name: 'qsgd', options: { levels: 4 } },
    compare: [
      { label: 'Head only', adapter: { name: 'head' } },
      { label: 'fp32', compressor: 'none', training: { learningRate: 0.1 }, updateScreen: 'off' },
    ],
  });

  it('puts the main run first, labelled by its adapter, and merges each comparison over it', () => {
    const runs = expandRuns(experiment);
    expect(runs.map((r) => [r.label, r.folder])).toEqual([
      ['lora', ''],
      ['Head only', 'head-only'],
      ['fp32', 'fp32'],
    ]);
    expect(runs[1]?.experiment.adapter).toMatchObject({ name: 'head', rank: 4 });
    expect(runs[1]?.experiment.compressor).toEqual({ name: 'qsgd', options: { levels: 4 } });
    expect(runs[2]?.experiment.compressor).toEqual({ name: 'none', options: {} });
    expect(runs[2]?.experiment.training).toMatchObject({ learningRate: 0.1, rounds: 2 });
    expect(runs.map((r) => r.experiment.updateScreen)).toEqual([
      { relativeTo: 'median-update', factor: 100 },
      { relativeTo: 'median-update', factor: 100 },
      'off',
    ]);
    expect(runs.every((r) => r.experiment.compare.length === 0)).toBe(true);
  });

  it('slugs labels into folder names', () => {
    expect(slugify('LoRA r=4 (α 8)')).toBe('lora-r-4-8');
    expect(slugify('***')).toBe('run');
  });
});

describe('compare overrides', () => {
  it('override only the fields they name, never re-applying defaults', () => {
    const experiment = experimentSchema.parse({
      data: { numClients: 4 },
      adapter: { rank: 8, alpha: 16 },
      training: { rounds: 2, localEpochs: 3, batchSize: 64 },
      selector: { name: 'uniform', options: { fraction: 0.5 } },
      compare: [{ label: 'faster', training: { learningRate: 0.1 }, adapter: { alpha: 4 } }],
    });
    const comparison = expandRuns(experiment)[1]?.experiment;
    expect(comparison?.training).toMatchObject({ rounds: 2, localEpochs: 3, batchSize: 64, learningRate: 0.1 });
    expect(comparison?.adapter).toMatchObject({ name: 'lora', rank: 8, alpha: 4 });
    expect(comparison?.selector).toEqual({ name: 'uniform', options: { fraction: 0.5 } });
  });
});
