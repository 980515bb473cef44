/**
 * The argument checks of each `Backend` method, one function per method. Every backend calls
 * these first, so a bad call throws the same error with the same message on every backend.
 * They only read their arguments; valid arguments pass silently.
 */
import type { GridCodes, MatmulShape, StochasticCodes } from '../contracts/backend.js';
import { ConfigError, PayloadError, ShapeError } from '../errors.js';
import {
  firstIndexOutside,
  requireDimension,
  requireFiniteNumbers,
  requireFiniteScalar,
  requireFiniteValues,
  requireIntegerInRange,
  requireLength,
  requireNonNegativeDecoded,
} from './boundaryChecks.js';

/** Uniforms are float32, whose largest value below 1 is 1 − 2^-24: [0, 1) is 0..this, inclusive. */
const LARGEST_FLOAT32_BELOW_ONE = 1 - 2 ** -24;

/** Largest QSGD level count: codes ±levels must fit an `Int32Array`. */
export const MAX_QSGD_LEVELS = 0x7fffffff;
/** Largest grid-quantiser bit width: LAQ/AQUILA spend at most 16 bits per code. */
export const MAX_GRID_BITS = 16;
/** Largest bit width `packBits` accepts: one `Uint32Array` code. */
export const MAX_PACKED_BITS = 32;

/** Checks `Backend.matmul`: dimensions, both storage lengths, finite entries. */
export function checkMatmulArguments(a: Float32Array, b: Float32Array, shape: MatmulShape): void {
  const { m, k, n } = shape;
  requireDimension('matmul', 'shape.m', m);
  requireDimension('matmul', 'shape.k', k);
  requireDimension('matmul', 'shape.n', n);
  requireLength('matmul', 'a', a.length, m * k, storageFix('a', m, k, shape.transposeA === true));
  requireLength('matmul', 'b', b.length, k * n, storageFix('b', k, n, shape.transposeB === true));
  requireFiniteValues('matmul', 'a', a);
  requireFiniteValues('matmul', 'b', b);
}

function storageFix(argument: string, opRows: number, opCols: number, transposed: boolean): string {
  return transposed
    ? `with transpose${argument.toUpperCase()} set, ${argument} is stored row-major as ${opCols}×${opRows} (its transpose is ${opRows}×${opCols})`
    : `${argument} must be a row-major ${opRows}×${opCols} matrix`;
}

/** Checks `Backend.axpy`: equal lengths, finite alpha and entries. */
export function checkAxpyArguments(alpha: number, x: Float32Array, y: Float32Array): void {
  requireLength('axpy', 'y', y.length, x.length, 'x and y must have one length');
  requireFiniteScalar('axpy', 'alpha', alpha);
  requireFiniteValues('axpy', 'x', x);
  requireFiniteValues('axpy', 'y', y);
}

/** Checks `Backend.scale`: finite alpha and entries. */
export function checkScaleArguments(alpha: number, x: Float32Array): void {
  requireFiniteScalar('scale', 'alpha', alpha);
  requireFiniteValues('scale', 'x', x);
}

/** Checks `Backend.weightedSum`: at least one vector, one weight each, one length, all finite. */
export function checkWeightedSumArguments(vectors: readonly Float32Array[], weights: readonly number[]): void {
  const first = vectors[0];
  if (first === undefined) {
    throw new ShapeError('weightedSum: vectors is empty; pass at least one vector (the result takes its length)');
  }
  requireLength('weightedSum', 'weights', weights.length, vectors.length, 'pass one weight per vector');
  vectors.forEach((vector, index) => {
    requireLength('weightedSum', `vectors[${index}]`, vector.length, first.length, 'all vectors must have one length');
  });
  requireFiniteNumbers('weightedSum', 'weights', weights);
  vectors.forEach((vector, index) => requireFiniteValues('weightedSum', `vectors[${index}]`, vector));
}

/** Checks `Backend.dot`: equal lengths, finite entries. */
export function checkDotArguments(x: Float32Array, y: Float32Array): void {
  requireLength('dot', 'y', y.length, x.length, 'x and y must have one length');
  requireFiniteValues('dot', 'x', x);
  requireFiniteValues('dot', 'y', y);
}

/** Checks `Backend.norm2` and `Backend.normInf`: finite entries. */
export function checkNormArguments(kernel: 'norm2' | 'normInf', x: Float32Array): void {
  requireFiniteValues(kernel, 'x', x);
}

/** Checks `Backend.pairwiseSquaredEuclidean` and `Backend.pairwiseCosine`: an n×d matrix of finite entries. */
export function checkPairwiseArguments(
  kernel: 'pairwiseSquaredEuclidean' | 'pairwiseCosine',
  rows: Float32Array,
  n: number,
  d: number
): void {
  requireDimension(kernel, 'n', n);
  requireDimension(kernel, 'd', d);
  requireLength(kernel, 'rows', rows.length, n * d, `rows must be a row-major ${n}×${d} matrix (n rows of d entries)`);
  requireFiniteValues(kernel, 'rows', rows);
}

/** Checks `Backend.stochasticQuantize`: valid level count, one uniform in [0, 1) per finite entry. */
export function checkStochasticQuantizeArguments(x: Float32Array, levels: number, uniforms: Float32Array): void {
  requireIntegerInRange('stochasticQuantize', 'levels', levels, 1, MAX_QSGD_LEVELS, 'QSGD needs at least one level');
  requireLength(
    'stochasticQuantize',
    'uniforms',
    uniforms.length,
    x.length,
    'pass one uniform per element: counterUniforms(key, x.length)'
  );
  requireFiniteValues('stochasticQuantize', 'x', x);
  requireFiniteValues('stochasticQuantize', 'uniforms', uniforms);
  const outside = firstIndexOutside(uniforms, 0, LARGEST_FLOAT32_BELOW_ONE);
  if (outside >= 0) {
    throw new ConfigError(
      `stochasticQuantize: uniforms[${outside}] is ${String(
        uniforms[outside]
      )}, outside [0, 1); pass counterUniforms(key, x.length)`
    );
  }
}

/** Checks `Backend.stochasticDequantize`: valid level count, a finite non-negative norm, codes within ±levels. */
export function checkStochasticDequantizeArguments(codes: StochasticCodes, levels: number): void {
  requireIntegerInRange('stochasticDequantize', 'levels', levels, 1, MAX_QSGD_LEVELS, 'QSGD needs at least one level');
  requireFiniteScalar('stochasticDequantize', 'norm', codes.norm);
  requireNonNegativeDecoded('stochasticDequantize', 'norm', codes.norm);
  const outside = firstIndexOutside(codes.codes, -levels, levels);
  if (outside >= 0) {
    throw new PayloadError(
      `stochasticDequantize: codes[${outside}] is ${String(codes.codes[outside])}, outside −${levels}..${levels}; ` +
        'decode with the level count the codes were quantised with'
    );
  }
}

/** Checks `Backend.gridQuantize`: x and center of one length and finite, bits in 1..16. */
export function checkGridQuantizeArguments(x: Float32Array, center: Float32Array, bits: number): void {
  requireIntegerInRange('gridQuantize', 'bits', bits, 1, MAX_GRID_BITS, 'the grid needs 2^bits codes');
  requireLength('gridQuantize', 'center', center.length, x.length, 'x and center must have one length');
  requireFiniteValues('gridQuantize', 'x', x);
  requireFiniteValues('gridQuantize', 'center', center);
}

/** Checks `Backend.gridDequantize`: bits in 1..16, a finite non-negative radius, codes below 2^bits. */
export function checkGridDequantizeArguments(codes: GridCodes, center: Float32Array, bits: number): void {
  requireIntegerInRange('gridDequantize', 'bits', bits, 1, MAX_GRID_BITS, 'the grid needs 2^bits codes');
  requireLength('gridDequantize', 'center', center.length, codes.codes.length, 'pass one center entry per code');
  requireFiniteScalar('gridDequantize', 'radius', codes.radius);
  requireNonNegativeDecoded('gridDequantize', 'radius', codes.radius);
  requireFiniteValues('gridDequantize', 'center', center);
  const largestCode = 2 ** bits - 1;
  const outside = firstIndexOutside(codes.codes, 0, largestCode);
  if (outside >= 0) {
    throw new PayloadError(
      `gridDequantize: codes[${outside}] is ${String(codes.codes[outside])}, above ${largestCode} = 2^${bits} − 1; ` +
        'decode with the bit width the codes were quantised with'
    );
  }
}

/** Checks `Backend.topKMask`: finite entries and 0 ≤ k ≤ x.length. */
export function checkTopKMaskArguments(x: Float32Array, k: number): void {
  requireIntegerInRange('topKMask', 'k', k, 0, x.length, 'k counts the entries to keep, at most x.length');
  requireFiniteValues('topKMask', 'x', x);
}

/** Checks `Backend.magnitudeMask`: finite entries and threshold. */
export function checkMagnitudeMaskArguments(x: Float32Array, threshold: number): void {
  requireFiniteScalar('magnitudeMask', 'threshold', threshold);
  requireFiniteValues('magnitudeMask', 'x', x);
}

/** Checks `Backend.maskedApply`: one mask entry per finite entry of x. */
export function checkMaskedApplyArguments(x: Float32Array, mask: Uint8Array): void {
  requireLength('maskedApply', 'mask', mask.length, x.length, 'pass one mask entry per element of x');
  requireFiniteValues('maskedApply', 'x', x);
}

/** Checks `Backend.packBits`: bitsPerCode in 1..32 and every code fits in it. */
export function checkPackBitsArguments(codes: Uint32Array, bitsPerCode: number): void {
  requireIntegerInRange('packBits', 'bitsPerCode', bitsPerCode, 1, MAX_PACKED_BITS, 'a code is 1 to 32 bits wide');
  const largestCode = 2 ** bitsPerCode - 1;
  const tooWide = firstIndexOutside(codes, 0, largestCode);
  if (tooWide >= 0) {
    throw new ConfigError(
      `packBits: codes[${tooWide}] is ${String(
        codes[tooWide]
      )}, wider than bitsPerCode = ${bitsPerCode} (largest ${largestCode}); ` + 'raise bitsPerCode or clamp the codes'
    );
  }
}

/** Checks `Backend.unpackBits`: bitsPerCode in 1..32 and exactly ceil(count·bits/8) bytes. */
export function checkUnpackBitsArguments(bytes: Uint8Array, bitsPerCode: number, count: number): void {
  requireIntegerInRange('unpackBits', 'bitsPerCode', bitsPerCode, 1, MAX_PACKED_BITS, 'a code is 1 to 32 bits wide');
  requireDimension('unpackBits', 'count', count);
  requireLength(
    'unpackBits',
    'bytes',
    bytes.length,
    packedByteLength(count, bitsPerCode),
    `${count} codes of ${bitsPerCode} bits pack into exactly ceil(count·bitsPerCode/8) bytes`
  );
}

/** Bytes that `count` codes of `bitsPerCode` bits occupy when packed: ceil(count·bitsPerCode/8). */
export function packedByteLength(count: number, bitsPerCode: number): number {
  return Math.ceil((count * bitsPerCode) / 8);
}
