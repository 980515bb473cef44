import type { Backend, GridCodes, MatmulShape, StochasticCodes } from '@fedtune/core';
import type { GpujsEngine, GpujsMode } from './engine/engines.js';
import type { EngineSession } from './engine/engineSession.js';
import { openSession } from './engine/openSession.js';
import { packBits, unpackBits } from './ops/bitPacking.js';
import { pairwiseCosine, pairwiseSquaredEuclidean } from './ops/distances.js';
import { gridDequantize, gridQuantize } from './ops/gridQuantize.js';
import { magnitudeMask } from './ops/masks.js';
import { matmul } from './ops/matmul.js';
import { dot, norm2, normInf } from './ops/reductions.js';
import { stochasticDequantize, stochasticQuantize } from './ops/stochasticQuantize.js';
import { topKMask } from './ops/topKMask.js';
import { axpy, maskedApply, scale, weightedSum } from './ops/vectorOps.js';
import type { GpuContext } from './runtime/gpuContext.js';
import { NOMINAL_TEXTURE_SIZE, threadsPerCall } from './runtime/layout.js';

/** How to build a {@link GpujsBackend}. */
export interface GpujsBackendOptions {
  /** Which engine runs the kernels (default `gpu`: the platform's GPU engine, or an error saying why there is none). */
  mode?: GpujsMode;
  /**
   * Largest texture side to use, at most the engine's own limit. Lowering it makes vectors span
   * several textures and calls at small sizes, which is how the tests cover that path quickly.
   */
  maxTextureSize?: number;
}

/**
 * Every `Backend` kernel as gpu.js kernels. Integer outputs are identical to the reference
 * backend's; float outputs are float32 GPU arithmetic within the conformance kit's tolerances.
 * Each kernel's doc says what, if anything, runs on the host. Holds a GPU context: call
 * {@link GpujsBackend.dispose} when done with it.
 *
 * With `mode: 'webgpu'` the kernels run on the WebGPU kernel host this thread is connected to
 * (`connectWebGpuKernelHost`), and each call blocks until its results are back, so the backend
 * stays synchronous like every other.
 */
export class GpujsBackend implements Backend {
  /**
   * `gpujs:<engine>`, naming the engine that really runs: `headlessgl`, `webgl2`, `webgl`, `webgpu`,
   * `wasm` or `cpu`.
   */
  readonly name: string;
  /** The engine that runs the kernels. */
  readonly engine: GpujsEngine;
  private readonly session: EngineSession;
  private readonly context: GpuContext;

  /** @throws GpuUnavailableError when the engine asked for cannot run here, saying why and how to get it. */
  constructor(options: GpujsBackendOptions = {}) {
    this.session = openSession(options.mode ?? 'gpu');
    this.engine = this.session.engine;
    this.name = `gpujs:${this.engine}`;
    const deviceSide = this.session.maxTextureSize ?? NOMINAL_TEXTURE_SIZE;
    const tileSide = Math.min(deviceSide, options.maxTextureSize ?? deviceSide);
    const argumentValues = (this.session.maxArgumentBytes ?? Number.POSITIVE_INFINITY) / 4;
    this.context = {
      runner: this.session.runner,
      tileSide,
      threadsPerCall: threadsPerCall(tileSide),
      valuesPerUpload: Math.min(4 * tileSide * tileSide, Math.floor(argumentValues)),
    };
  }

  /** Programs compiled so far: one per kernel used, whatever the sizes (for tests and diagnostics). */
  get compiledKernelCount(): number {
    return this.context.runner.compiledCount;
  }

  /** Largest texture side this backend lays data out in. */
  get textureSize(): number {
    return this.context.tileSide;
  }

  /** Releases the GPU context and every compiled kernel. */
  dispose(): void {
    this.session.dispose();
  }

  matmul(a: Float32Array, b: Float32Array, shape: MatmulShape): Float32Array {
    return matmul(this.context, a, b, shape);
  }

  axpy(alpha: number, x: Float32Array, y: Float32Array): Float32Array {
    return axpy(this.context, alpha, x, y);
  }

  scale(alpha: number, x: Float32Array): Float32Array {
    return scale(this.context, alpha, x);
  }

  weightedSum(vectors: readonly Float32Array[], weights: readonly number[]): Float32Array {
    return weightedSum(this.context, vectors, weights);
  }

  dot(x: Float32Array, y: Float32Array): number {
    return dot(this.context, x, y);
  }

  norm2(x: Float32Array): number {
    return norm2(this.context, x);
  }

  normInf(x: Float32Array): number {
    return normInf(this.context, x);
  }

  pairwiseSquaredEuclidean(rows: Float32Array, n: number, d: number): Float32Array {
    return pairwiseSquaredEuclidean(this.context, rows, n, d);
  }

  pairwiseCosine(rows: Float32Array, n: number, d: number): Float32Array {
    return pairwiseCosine(this.context, rows, n, d);
  }

  stochasticQuantize(x: Float32Array, levels: number, uniforms: Float32Array): StochasticCodes {
    return stochasticQuantize(this.context, x, levels, uniforms);
  }

  stochasticDequantize(codes: StochasticCodes, levels: number): Float32Array {
    return stochasticDequantize(this.context, codes, levels);
  }

  gridQuantize(x: Float32Array, center: Float32Array, bits: number): GridCodes {
    return gridQuantize(this.context, x, center, bits);
  }

  gridDequantize(codes: GridCodes, center: Float32Array, bits: number): Float32Array {
    return gridDequantize(this.context, codes, center, bits);
  }

  topKMask(x: Float32Array, k: number): Uint8Array {
    return topKMask(this.context, x, k);
  }

  magnitudeMask(x: Float32Array, threshold: number): Uint8Array {
    return magnitudeMask(this.context, x, threshold);
  }

  maskedApply(x: Float32Array, mask: Uint8Array): Float32Array {
    return maskedApply(this.context, x, mask);
  }

  packBits(codes: Uint32Array, bitsPerCode: number): Uint8Array {
    return packBits(this.context, codes, bitsPerCode);
  }

  unpackBits(bytes: Uint8Array, bitsPerCode: number, count: number): Uint32Array {
    return unpackBits(this.context, bytes, bitsPerCode, count);
  }
}
