import gpujs from 'gpu.js';
import { GpuUnavailableError } from './gpuUnavailableError.js';

/**
 * What a caller may ask for. `gpu` takes the first GPU engine this platform can really open
 * (headless-gl in Node, WebGL2 then WebGL in a browser); the others name one engine. gpu.js's
 * WebAssembly and cpu kernels run only when asked for by name: they are never a fallback.
 */
export type GpujsMode = 'gpu' | 'headlessgl' | 'webgl2' | 'webgl' | 'webgpu' | 'wasm' | 'cpu';

/** The engine that really runs the kernels, as it appears in the backend's name (`gpujs:headlessgl`). */
export type GpujsEngine = 'headlessgl' | 'webgl2' | 'webgl' | 'webgpu' | 'wasm' | 'cpu';

/** Every mode the `gpujs` backend accepts, for option validation and messages. */
export const GPUJS_MODES: readonly GpujsMode[] = ['gpu', 'headlessgl', 'webgl2', 'webgl', 'webgpu', 'wasm', 'cpu'];

/** The GPU engines `gpu` mode tries, best first. */
export const GPU_ENGINES: readonly GpujsEngine[] = ['headlessgl', 'webgl2', 'webgl'];

/** A gpu.js kernel class: what `new GPU(...)` picked, and what each compiled kernel really is. */
export type KernelClass = (typeof gpujs)['Kernel'];

/**
 * The kernel class of each engine. Compared by identity, never with `instanceof`: headless-gl's
 * class extends WebGL's, and a silent swap from one to the other must not pass for the same engine.
 */
export function kernelClassOf(engine: GpujsEngine): KernelClass {
  switch (engine) {
    case 'headlessgl':
      return gpujs.HeadlessGLKernel;
    case 'webgl2':
      return gpujs.WebGL2Kernel;
    case 'webgl':
      return gpujs.WebGLKernel;
    case 'webgpu':
      // Present at run time; gpu.js's type declarations do not list it.
      return (gpujs as unknown as { WebGPUKernel: KernelClass }).WebGPUKernel;
    case 'wasm':
      return gpujs.WebAssemblyKernel;
    case 'cpu':
      return gpujs.CPUKernel;
  }
}

/** The engine a gpu.js kernel class implements, or undefined for a class this package does not know. */
export function engineOfKernelClass(kernelClass: unknown): GpujsEngine | undefined {
  const engines: GpujsEngine[] = ['headlessgl', 'webgl2', 'webgl', 'webgpu', 'wasm', 'cpu'];
  return engines.find((engine) => kernelClassOf(engine) === kernelClass);
}

/** The gpu.js `mode` setting that selects an engine; gpu.js calls its WebAssembly kernel `webasm`. */
export function gpujsModeOf(engine: GpujsEngine): string {
  return engine === 'wasm' ? 'webasm' : engine;
}

/**
 * gpu.js opened on `engine`, checked to have picked that engine's kernel class: gpu.js falls back
 * to another engine without a word, which this refuses with `refusal` as the error's message.
 */
export function openGpuOn(engine: GpujsEngine, refusal: string): { gpu: InstanceType<(typeof gpujs)['GPU']>; kernelClass: KernelClass } {
  const gpu = new gpujs.GPU({ mode: gpujsModeOf(engine) as 'gpu' });
  const kernelClass = kernelClassOf(engine);
  if ((gpu as unknown as { Kernel: unknown }).Kernel !== kernelClass) {
    gpu.destroy();
    throw new GpuUnavailableError(refusal);
  }
  return { gpu, kernelClass };
}
