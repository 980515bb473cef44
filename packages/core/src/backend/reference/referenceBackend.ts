import type { Backend, GridCodes, MatmulShape, StochasticCodes } from '../../contracts/backend.js';
import { packBits, unpackBits } from './bitPacking.js';
import { pairwiseCosine, pairwiseSquaredEuclidean } from './distances.js';
import { gridDequantize, gridQuantize } from './gridQuantize.js';
import { magnitudeMask, maskedApply } from './masks.js';
import { matmul } from './matmul.js';
import { dot, norm2, normInf } from './reductions.js';
import { stochasticDequantize, stochasticQuantize } from './stochasticQuantize.js';
import { topKMask } from './topKMask.js';
import { axpy, scale, weightedSum } from './vectorOps.js';

/**
 * The readable pure-TypeScript backend: plain loops over `Float32Array`, one file per kernel
 * family. It is the specification the accelerated backends are tested against. Stateless, so one
 * instance can be shared by every client.
 */
export class ReferenceBackend implements Backend {
  readonly name = 'reference';

  matmul(a: Float32Array, b: Float32Array, shape: MatmulShape): Float32Array {
    return matmul(a, b, shape);
  }

  axpy(alpha: number, x: Float32Array, y: Float32Array): Float32Array {
    return axpy(alpha, x, y);
  }

  scale(alpha: number, x: Float32Array): Float32Array {
    return scale(alpha, x);
  }

  weightedSum(vectors: readonly Float32Array[], weights: readonly number[]): Float32Array {
    return weightedSum(vectors, weights);
  }

  dot(x: Float32Array, y: Float32Array): number {
    return dot(x, y);
  }

  norm2(x: Float32Array): number {
    return norm2(x);
  }

  normInf(x: Float32Array): number {
    return normInf(x);
  }

  pairwiseSquaredEuclidean(rows: Float32Array, n: number, d: number): Float32Array {
    return pairwiseSquaredEuclidean(rows, n, d);
  }

  pairwiseCosine(rows: Float32Array, n: number, d: number): Float32Array {
    return pairwiseCosine(rows, n, d);
  }

  stochasticQuantize(x: Float32Array, levels: number, uniforms: Float32Array): StochasticCodes {
    return stochasticQuantize(x, levels, uniforms);
  }

  stochasticDequantize(codes: StochasticCodes, levels: number): Float32Array {
    return stochasticDequantize(codes, levels);
  }

  gridQuantize(x: Float32Array, center: Float32Array, bits: number): GridCodes {
    return gridQuantize(x, center, bits);
  }

  gridDequantize(codes: GridCodes, center: Float32Array, bits: number): Float32Array {
    return gridDequantize(codes, center, bits);
  }

  topKMask(x: Float32Array, k: number): Uint8Array {
    return topKMask(x, k);
  }

  magnitudeMask(x: Float32Array, threshold: number): Uint8Array {
    return magnitudeMask(x, threshold);
  }

  maskedApply(x: Float32Array, mask: Uint8Array): Float32Array {
    return maskedApply(x, mask);
  }

  packBits(codes: Uint32Array, bitsPerCode: number): Uint8Array {
    return packBits(codes, bitsPerCode);
  }

  unpackBits(bytes: Uint8Array, bitsPerCode: number, count: number): Uint32Array {
    return unpackBits(bytes, bitsPerCode, count);
  }
}
