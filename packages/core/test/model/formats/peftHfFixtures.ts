/** What the PEFT tests of Hugging Face models share: a LoRA instance's own forward, and logit comparisons. */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { AdapterInstance } from '../../../src/contracts/adapter.js';
import { indexLayout } from '../../../src/model/adapters/parameterLayout.js';
import { frozenLinear, type LinearFunction } from '../../../src/model/architectures/baseModel.js';
import type { CausalLanguageModel } from '../../../src/model/architectures/huggingface/hfArchitecture.js';

/** The linear function the adapter instance itself computes with `parameters`. */
export function instanceLinear(model: CausalLanguageModel, instance: AdapterInstance, parameters: Float32Array): LinearFunction {
  const params = new Map<string, tf.Tensor>(
    indexLayout(instance.layout).slots.map((slot) => [
      slot.spec.name,
      tf.tensor(parameters.subarray(slot.offset, slot.offset + slot.size), slot.spec.shape),
    ])
  );
  return (module, x) => instance.linear(module, x, model.frozen.get(module.name)!, params) ?? frozenLinear(x, model.frozen.get(module.name)!);
}

/** The largest absolute difference of two equally shaped matrices. */
export function largestDifference(a: number[][], b: number[][]): number {
  expect(a.length).toBe(b.length);
  let largest = 0;
  a.forEach((row, i) => {
    expect(row.length).toBe(b[i]!.length);
    row.forEach((value, j) => (largest = Math.max(largest, Math.abs(value - (b[i]![j] as number)))));
  });
  return largest;
}
