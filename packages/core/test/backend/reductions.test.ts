import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../../src/backend/index.js';
import { float32Vector } from './arbitraries.js';

const backend = new ReferenceBackend();

describe('dot', () => {
  it('sums products (worked by hand)', () => {
    // 1·4 + 2·(−5) + 3·6 = 4 − 10 + 18 = 12
    expect(backend.dot(Float32Array.of(1, 2, 3), Float32Array.of(4, -5, 6))).toBe(12);
  });

  it('accumulates in float64', () => {
    // In float32, 2^24 + 1 rounds back to 2^24; float64 keeps the 1.
    expect(backend.dot(Float32Array.of(2 ** 12, 1), Float32Array.of(2 ** 12, 1))).toBe(2 ** 24 + 1);
  });

  it('of empty vectors is 0', () => {
    expect(backend.dot(new Float32Array(0), new Float32Array(0))).toBe(0);
  });
});

describe('norm2', () => {
  it('is the Euclidean norm (worked by hand)', () => {
    expect(backend.norm2(Float32Array.of(3, -4))).toBe(5);
  });

  test.prop([float32Vector(0, 30)])('squared equals dot(x, x)', (x) => {
    expect(backend.norm2(x) ** 2).toBeCloseTo(backend.dot(x, x), 6);
  });
});

describe('normInf', () => {
  it('is the largest magnitude (worked by hand)', () => {
    expect(backend.normInf(Float32Array.of(1, -7.5, 3))).toBe(7.5);
  });

  it('is 0 for an empty vector', () => {
    expect(backend.normInf(new Float32Array(0))).toBe(0);
  });

  test.prop([float32Vector(1, 30)])('bounds every entry and is attained', (x) => {
    const largest = backend.normInf(x);
    expect(x.every((v) => Math.abs(v) <= largest)).toBe(true);
    expect(x.some((v) => Math.abs(v) === largest)).toBe(true);
  });
});
