import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { gatherSlice, nestedSliceIndices, scatterSlice } from '../../src/model/adapters/nestedSlice.js';
import { createLoraAdapter, sliceAlpha } from '../../src/model/adapters/lora.js';
import { mlpModules } from '../../src/model/architectures/mlp.js';
import { indexLayout } from '../../src/model/adapters/parameterLayout.js';

const layout = (rank: number) => [
  { name: 'fc.lora_A.weight', shape: [rank, 3] },
  { name: 'fc.lora_B.weight', shape: [2, rank] },
  { name: 'head.weight', shape: [2, 2] },
  { name: 'head.bias', shape: [2] },
];

describe('nestedSliceIndices', () => {
  it('takes the leading rows of A, the leading columns of B and the whole head (hand-checked)', () => {
    // Full r = 4: A at 0..11 (4×3), B at 12..19 (2×4), head.weight 20..23, head.bias 24..25.
    const indices = nestedSliceIndices(layout(4), layout(2));
    expect(Array.from(indices)).toEqual([0, 1, 2, 3, 4, 5, 12, 13, 16, 17, 20, 21, 22, 23, 24, 25]);
  });

  it('is the identity for the full rank', () => {
    expect(Array.from(nestedSliceIndices(layout(4), layout(4)))).toEqual(Array.from({ length: 26 }, (_, i) => i));
  });

  it('refuses a slice larger than the full tensor or a tensor the full adapter lacks', () => {
    expect(() => nestedSliceIndices(layout(2), layout(4))).toThrow(ConfigError);
    expect(() => nestedSliceIndices(layout(2), layout(4))).toThrow(/at most adapter.rank/);
    expect(() => nestedSliceIndices(layout(4), [{ name: 'other.weight', shape: [1] }])).toThrow(/lacks/);
  });

  it('gathers what it scatters, and scatter leaves zeros outside the slice', () => {
    const indices = nestedSliceIndices(layout(4), layout(1));
    fc.assert(
      fc.property(fc.float32Array({ minLength: indices.length, maxLength: indices.length, noNaN: true }), (values) => {
        const full = scatterSlice(values, indices, 26);
        expect(gatherSlice(full, indices)).toEqual(values);
        const inside = new Set(indices);
        full.forEach((value, i) => {
          if (!inside.has(i)) expect(value).toBe(0);
        });
      })
    );
  });
});

describe('a LoRA slice with the settings the full instance gives', () => {
  it('computes the full adapter with the higher-rank terms dropped', () => {
    const modules = mlpModules({ inputSize: 6, hidden: [5], numClasses: 3 });
    const random = { seed: 3, round: 0, client: 0, stream: 0 };
    for (const useRsLora of [false, true]) {
      const lora = createLoraAdapter({ useRsLora });
      const full = lora.create(modules, { rank: 4, alpha: 8, numClasses: 3, random });
      const settings = full.sliceSettings?.(2);
      expect(settings).toEqual({ rank: 2, alpha: sliceAlpha(8, 4, 2, useRsLora), numClasses: 3, random });
      const half = lora.create(modules, settings!);
      const indices = nestedSliceIndices(full.layout, half.layout);
      const sliceValues = Float32Array.from({ length: indices.length }, (_, i) => Math.sin(i + 1));
      const expected = half.mergedDeltas?.(sliceValues).get('fc1') as Float32Array;
      const actual = full.mergedDeltas?.(scatterSlice(sliceValues, indices, indexLayout(full.layout).size)).get('fc1') as Float32Array;
      expect(actual.length).toBe(30);
      actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i] as number, 5));
    }
  });
});
