import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../../src/backend/index.js';
import { float32Vector } from './arbitraries.js';

const backend = new ReferenceBackend();

describe('axpy', () => {
  it('computes alpha·x + y (worked by hand)', () => {
    // 2·[1, −2, 0.5] + [10, 10, −1] = [12, 6, 0]
    expect(backend.axpy(2, Float32Array.of(1, -2, 0.5), Float32Array.of(10, 10, -1))).toEqual(
      Float32Array.of(12, 6, 0)
    );
  });

  test.prop([float32Vector(0, 20)])('with alpha = −1 and y = x gives zeros', (x) => {
    expect(backend.axpy(-1, x, x).every((v) => v === 0)).toBe(true);
  });

  test.prop([fc.integer({ min: 0, max: 20 }).chain((n) => fc.tuple(float32Vector(n, n), float32Vector(n, n)))])(
    'with alpha = 1 is commutative',
    ([x, y]) => {
      expect(backend.axpy(1, x, y)).toEqual(backend.axpy(1, y, x));
    }
  );
});

describe('scale', () => {
  it('computes alpha·x (worked by hand)', () => {
    expect(backend.scale(-0.5, Float32Array.of(4, -2, 0, 3))).toEqual(Float32Array.of(-2, 1, -0, -1.5));
  });
});

describe('weightedSum', () => {
  it('sums weighted vectors (worked by hand)', () => {
    // 0.5·[2, 4] + 0.25·[4, −8] + 1·[1, 1] = [1 + 1 + 1, 2 − 2 + 1] = [3, 1]
    const vectors = [Float32Array.of(2, 4), Float32Array.of(4, -8), Float32Array.of(1, 1)];
    expect(backend.weightedSum(vectors, [0.5, 0.25, 1])).toEqual(Float32Array.of(3, 1));
  });

  test.prop([float32Vector(1, 20), fc.integer({ min: 1, max: 8 })])(
    'of n copies with weights 1/n returns the vector',
    (vector, copies) => {
      const vectors = Array.from({ length: copies }, () => vector);
      const weights = Array.from({ length: copies }, () => 1 / copies);
      const sum = backend.weightedSum(vectors, weights);
      sum.forEach((value, i) =>
        expect(Math.abs(value - vector[i]!)).toBeLessThanOrEqual(Math.abs(vector[i]!) * 2 ** -22)
      );
    }
  );

  it('does not mutate its inputs', () => {
    const vectors = [Float32Array.of(1, 2), Float32Array.of(3, 4)];
    backend.weightedSum(vectors, [2, 3]);
    expect(vectors).toEqual([Float32Array.of(1, 2), Float32Array.of(3, 4)]);
  });
});
