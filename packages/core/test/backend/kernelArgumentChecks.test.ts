import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../../src/backend/index.js';
import { ConfigError, NonFiniteError, PayloadError, ShapeError } from '../../src/errors.js';

const backend = new ReferenceBackend();
const v = (...values: number[]): Float32Array => Float32Array.from(values);

/** Asserts `run` throws an error of class `kind` whose message is exactly `message`. */
function expectError(run: () => unknown, kind: new (...args: never[]) => Error, message: string): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(kind);
  expect((caught as Error).message).toBe(message);
}

const FIX =
  "kernel inputs must be finite — check the client's training for divergence (lower the learning rate or clip gradients)";

describe('shape errors name the kernel, the argument and expected vs actual', () => {
  it('matmul', () => {
    expectError(
      () => backend.matmul(v(1, 2, 3), v(1, 2), { m: 2, k: 2, n: 1 }),
      ShapeError,
      'matmul: a has length 3, expected 4; a must be a row-major 2×2 matrix'
    );
    expectError(
      () => backend.matmul(v(1, 2, 3, 4, 5, 6), v(1, 2), { m: 2, k: 3, n: 1, transposeB: true }),
      ShapeError,
      'matmul: b has length 2, expected 3; with transposeB set, b is stored row-major as 1×3 (its transpose is 3×1)'
    );
    expectError(
      () => backend.matmul(v(), v(), { m: -1, k: 0, n: 0 }),
      ShapeError,
      'matmul: shape.m is -1; dimensions must be non-negative integers'
    );
  });

  it('vector kernels', () => {
    expectError(
      () => backend.axpy(1, v(1, 2), v(1)),
      ShapeError,
      'axpy: y has length 1, expected 2; x and y must have one length'
    );
    expectError(
      () => backend.dot(v(1), v(1, 2)),
      ShapeError,
      'dot: y has length 2, expected 1; x and y must have one length'
    );
    expectError(
      () => backend.weightedSum([v(1, 2), v(1)], [1, 1]),
      ShapeError,
      'weightedSum: vectors[1] has length 1, expected 2; all vectors must have one length'
    );
    expectError(
      () => backend.weightedSum([v(1)], [1, 2]),
      ShapeError,
      'weightedSum: weights has length 2, expected 1; pass one weight per vector'
    );
    expectError(
      () => backend.weightedSum([], []),
      ShapeError,
      'weightedSum: vectors is empty; pass at least one vector (the result takes its length)'
    );
    expectError(
      () => backend.maskedApply(v(1, 2), Uint8Array.of(1)),
      ShapeError,
      'maskedApply: mask has length 1, expected 2; pass one mask entry per element of x'
    );
  });

  it('pairwise kernels', () => {
    expectError(
      () => backend.pairwiseCosine(v(1, 2, 3), 2, 2),
      ShapeError,
      'pairwiseCosine: rows has length 3, expected 4; rows must be a row-major 2×2 matrix (n rows of d entries)'
    );
    expectError(
      () => backend.pairwiseSquaredEuclidean(v(1, 2), 2, 1.5),
      ShapeError,
      'pairwiseSquaredEuclidean: d is 1.5; dimensions must be non-negative integers'
    );
  });

  it('quantisers', () => {
    expectError(
      () => backend.stochasticQuantize(v(1, 2), 4, v(0.5)),
      ShapeError,
      'stochasticQuantize: uniforms has length 1, expected 2; pass one uniform per element: counterUniforms(key, x.length)'
    );
    expectError(
      () => backend.gridQuantize(v(1, 2), v(0), 4),
      ShapeError,
      'gridQuantize: center has length 1, expected 2; x and center must have one length'
    );
    expectError(
      () => backend.gridDequantize({ radius: 1, codes: Uint32Array.of(0, 1) }, v(0), 4),
      ShapeError,
      'gridDequantize: center has length 1, expected 2; pass one center entry per code'
    );
  });

  it('unpackBits', () => {
    // 6 codes of 3 bits are 18 bits: 3 bytes.
    expectError(
      () => backend.unpackBits(Uint8Array.of(1, 2), 3, 6),
      ShapeError,
      'unpackBits: bytes has length 2, expected 3; 6 codes of 3 bits pack into exactly ceil(count·bitsPerCode/8) bytes'
    );
  });
});

describe('non-finite inputs name the kernel, the argument and the first bad index', () => {
  it('in float vectors', () => {
    const x = new Float32Array(20);
    x[17] = NaN;
    x[18] = Infinity;
    expectError(() => backend.axpy(1, x, new Float32Array(20)), NonFiniteError, `axpy: x[17] is NaN; ${FIX}`);
    expectError(() => backend.axpy(1, new Float32Array(20), x), NonFiniteError, `axpy: y[17] is NaN; ${FIX}`);
    expectError(() => backend.norm2(v(1, -Infinity)), NonFiniteError, `norm2: x[1] is -Infinity; ${FIX}`);
    expectError(() => backend.normInf(v(NaN)), NonFiniteError, `normInf: x[0] is NaN; ${FIX}`);
    expectError(() => backend.topKMask(v(1, 2, NaN), 1), NonFiniteError, `topKMask: x[2] is NaN; ${FIX}`);
    expectError(
      () => backend.matmul(v(1), v(Infinity), { m: 1, k: 1, n: 1 }),
      NonFiniteError,
      `matmul: b[0] is Infinity; ${FIX}`
    );
    expectError(
      () => backend.pairwiseCosine(v(0, NaN), 2, 1),
      NonFiniteError,
      `pairwiseCosine: rows[1] is NaN; ${FIX}`
    );
    expectError(() => backend.gridQuantize(v(0), v(NaN), 2), NonFiniteError, `gridQuantize: center[0] is NaN; ${FIX}`);
    expectError(
      () => backend.weightedSum([v(1), v(NaN)], [1, 1]),
      NonFiniteError,
      `weightedSum: vectors[1][0] is NaN; ${FIX}`
    );
  });

  it('in scalars and weights', () => {
    expectError(() => backend.scale(NaN, v(1)), NonFiniteError, `scale: alpha is NaN; ${FIX}`);
    expectError(
      () => backend.weightedSum([v(1), v(2)], [1, Infinity]),
      NonFiniteError,
      `weightedSum: weights[1] is Infinity; ${FIX}`
    );
    expectError(() => backend.magnitudeMask(v(1), NaN), NonFiniteError, `magnitudeMask: threshold is NaN; ${FIX}`);
    expectError(
      () => backend.stochasticDequantize({ norm: NaN, codes: Int32Array.of(1) }, 2),
      NonFiniteError,
      `stochasticDequantize: norm is NaN; ${FIX}`
    );
  });
});

describe('invalid integer options are ConfigErrors', () => {
  it('names the option and its valid range', () => {
    expectError(
      () => backend.stochasticQuantize(v(1), 0, v(0.5)),
      ConfigError,
      'stochasticQuantize: levels is 0, expected an integer in 1..2147483647; QSGD needs at least one level'
    );
    expectError(
      () => backend.gridQuantize(v(1), v(0), 17),
      ConfigError,
      'gridQuantize: bits is 17, expected an integer in 1..16; the grid needs 2^bits codes'
    );
    expectError(
      () => backend.topKMask(v(1, 2), 3),
      ConfigError,
      'topKMask: k is 3, expected an integer in 0..2; k counts the entries to keep, at most x.length'
    );
    expectError(
      () => backend.packBits(Uint32Array.of(1), 33),
      ConfigError,
      'packBits: bitsPerCode is 33, expected an integer in 1..32; a code is 1 to 32 bits wide'
    );
  });

  it('rejects codes wider than bitsPerCode', () => {
    expectError(
      () => backend.packBits(Uint32Array.of(3, 8, 1), 3),
      ConfigError,
      'packBits: codes[1] is 8, wider than bitsPerCode = 3 (largest 7); raise bitsPerCode or clamp the codes'
    );
  });

  it('rejects uniforms outside [0, 1)', () => {
    expectError(
      () => backend.stochasticQuantize(v(1, 2), 2, v(0.5, 1)),
      ConfigError,
      'stochasticQuantize: uniforms[1] is 1, outside [0, 1); pass counterUniforms(key, x.length)'
    );
  });
});

describe('decoded values no encoder produces are PayloadErrors', () => {
  it('QSGD codes beyond ±levels and a negative norm', () => {
    expectError(
      () => backend.stochasticDequantize({ norm: 1, codes: Int32Array.of(2, -9) }, 8),
      PayloadError,
      'stochasticDequantize: codes[1] is -9, outside −8..8; decode with the level count the codes were quantised with'
    );
    expectError(
      () => backend.stochasticDequantize({ norm: -1, codes: Int32Array.of(0) }, 8),
      PayloadError,
      'stochasticDequantize: norm is -1, but an encoder never produces a negative norm; the payload is corrupt'
    );
  });

  it('grid codes of 2^bits or more', () => {
    expectError(
      () => backend.gridDequantize({ radius: 1, codes: Uint32Array.of(3, 4) }, v(0, 0), 2),
      PayloadError,
      'gridDequantize: codes[1] is 4, above 3 = 2^2 − 1; decode with the bit width the codes were quantised with'
    );
  });
});
