import type { KernelRunner } from '../runtime/kernelRunner.js';
import type { GpujsEngine } from './engines.js';

/** An engine opened for one backend: where its kernels run, and the sizes they are laid out in. */
export interface EngineSession {
  engine: GpujsEngine;
  runner: KernelRunner;
  /** Largest texture side the engine accepts; engines without textures report none. */
  maxTextureSize: number | undefined;
  /** Largest array argument in bytes, where a device limit other than textures bounds it. */
  maxArgumentBytes?: number;
  /** Releases the engine's context and every compiled kernel. */
  dispose(): void;
}
