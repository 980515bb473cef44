import { FedtuneError } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import { clusteredRanges, featureRows } from '../src/clusteredTensors.js';

const layout = [
  { name: 'fc1.lora_A.weight', shape: [1, 3] },
  { name: 'fc1.lora_B.weight', shape: [2, 1] },
  { name: 'head.weight', shape: [2, 2] },
  { name: 'head.bias', shape: [2] },
  { name: 'fc2.lora_A.weight', shape: [1, 2] },
];

describe('clusteredRanges', () => {
  it('takes the LoRA A/B tensors by default and the whole vector with the head', () => {
    expect(clusteredRanges(layout, 13, false)).toEqual([
      { offset: 0, size: 3 },
      { offset: 3, size: 2 },
      { offset: 11, size: 2 },
    ]);
    expect(clusteredRanges(layout, 13, true)).toEqual([{ offset: 0, size: 13 }]);
    expect(clusteredRanges(undefined, 13, true)).toEqual([{ offset: 0, size: 13 }]);
  });

  it('needs a layout with LoRA tensors unless the head is included', () => {
    expect(() => clusteredRanges(undefined, 13, false)).toThrow(FedtuneError);
    expect(() => clusteredRanges([{ name: 'head.weight', shape: [2, 2] }], 4, false)).toThrow(/no LoRA A\/B tensors \(it has head\.weight\); set the option includeHead/);
  });
});

describe('featureRows', () => {
  it('cuts the ranges out of each vector into one row each', () => {
    const vectors = [Float32Array.of(0, 1, 2, 3, 4), Float32Array.of(10, 11, 12, 13, 14)];
    const { rows, dimension } = featureRows(vectors, [
      { offset: 1, size: 2 },
      { offset: 4, size: 1 },
    ]);
    expect(dimension).toBe(3);
    expect(Array.from(rows)).toEqual([1, 2, 4, 11, 12, 14]);
  });
});
