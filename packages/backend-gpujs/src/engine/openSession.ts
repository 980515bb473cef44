import { GpujsKernelRunner } from '../runtime/kernelRunner.js';
import { openWebGpuSession } from '../webgpu/openWebGpu.js';
import type { EngineSession } from './engineSession.js';
import type { GpujsMode } from './engines.js';
import { openGpu } from './openGpu.js';

/**
 * Opens the engine `mode` asks for: gpu.js in this thread, or for `webgpu` a session on the
 * thread's WebGPU kernel host (gpu.js's WebGPU kernels are asynchronous and run there).
 * @throws GpuUnavailableError when the engine cannot run here, saying why and how to get it.
 */
export function openSession(mode: GpujsMode): EngineSession {
  if (mode === 'webgpu') return openWebGpuSession();
  const opened = openGpu(mode);
  return {
    engine: opened.engine,
    runner: new GpujsKernelRunner(opened.gpu, opened.engine, opened.kernelClass),
    maxTextureSize: opened.maxTextureSize,
    dispose: () => opened.gpu.destroy(),
  };
}
