import gpujs from 'gpu.js';
import { EMULATION_HINT, unavailableReason, type GlModuleState } from './unavailableReason.js';
import {
  GPU_ENGINES,
  kernelClassOf,
  openGpuOn,
  type GpujsEngine,
  type GpujsMode,
  type KernelClass,
} from './engines.js';
import { GpuUnavailableError } from './gpuUnavailableError.js';
import { currentKernelHostConnection } from '../webgpu/hostConnection.js';
import { isNodeRuntime } from './platform.js';

/** A gpu.js instance bound to one engine, with the facts the kernels' layout depends on. */
export interface OpenedGpu {
  gpu: InstanceType<(typeof gpujs)['GPU']>;
  engine: GpujsEngine;
  /** The kernel class every compiled kernel must have; anything else is a fallback. */
  kernelClass: KernelClass;
  /** Largest texture side the engine accepts; emulating engines have no textures and report none. */
  maxTextureSize: number | undefined;
}

/**
 * Opens gpu.js on the engine `mode` asks for, or throws `GpuUnavailableError` saying why it cannot
 * run here and how to get it. gpu.js 2.24 silently falls back (GPU mode without a GL context runs
 * its WebAssembly kernel), so the engine is decided here from each kernel class's own support
 * check, and the class gpu.js then picked is checked again.
 */
export function openGpu(mode: Exclude<GpujsMode, 'webgpu'>): OpenedGpu {
  const engine = mode === 'gpu' ? firstAvailableGpuEngine() : requireAvailable(mode);
  const { gpu, kernelClass } = openGpuOn(
    engine,
    `gpu.js did not open ${engine} although it reported it as supported; ${EMULATION_HINT}`
  );
  return { gpu, engine, kernelClass, maxTextureSize: textureLimit(kernelClass) };
}

/**
 * Whether `engine` can open on this platform now, by gpu.js's own check of that engine alone; for
 * `webgpu`, whether this thread is connected to a WebGPU kernel host (whose device is checked
 * when a backend opens).
 */
export function isEngineAvailable(engine: GpujsEngine): boolean {
  if (engine === 'webgpu') return currentKernelHostConnection() !== undefined;
  if (engine === 'cpu') return true;
  return kernelClassOf(engine).isSupported;
}

function firstAvailableGpuEngine(): GpujsEngine {
  const candidates = GPU_ENGINES.filter((engine) => (engine === 'headlessgl') === isNodeRuntime());
  const available = candidates.find(isEngineAvailable);
  if (available !== undefined) return available;
  const glModule = glModuleState();
  const reasons = candidates.map((engine) => `${engine}: ${unavailableReason(engine, glModule)}`);
  throw new GpuUnavailableError(`no GPU context can be made here. ${reasons.join('. ')}. ${EMULATION_HINT}`);
}

function requireAvailable(engine: Exclude<GpujsEngine, 'webgpu'>): GpujsEngine {
  if (isEngineAvailable(engine)) return engine;
  const hint = engine === 'wasm' || engine === 'cpu' ? '' : ` ${EMULATION_HINT}`;
  throw new GpuUnavailableError(
    `gpujs engine ${engine} is not available: ${unavailableReason(engine, glModuleState())}.${hint}`
  );
}

function textureLimit(kernelClass: KernelClass): number | undefined {
  const features = (kernelClass as { features?: { maxTextureSize?: number } | null }).features;
  return typeof features?.maxTextureSize === 'number' ? features.maxTextureSize : undefined;
}

/**
 * Whether headless-gl's native module loads, asked the way gpu.js asks (it swallows the error).
 * Node only: resolved from gpu.js's own location, where npm installed its optional dependency.
 */
function glModuleState(): GlModuleState {
  if (!isNodeRuntime()) return 'missing';
  const nodeModule = process.getBuiltinModule('node:module');
  try {
    const gpujsEntry = nodeModule.createRequire(import.meta.url).resolve('gpu.js');
    nodeModule.createRequire(gpujsEntry)('gl');
    return 'loaded';
  } catch {
    return 'missing';
  }
}
