import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@fedtune/core';

/** The GPU backends of tfjs a tab may train on instead of the experiment's `training.tfBackend`. */
export const GPU_TF_BACKENDS = ['webgl', 'webgpu'] as const;

/** One of {@link GPU_TF_BACKENDS}. */
export type GpuTfBackend = (typeof GPU_TF_BACKENDS)[number];

/** How one GPU backend is loaded, and what the browser must offer first. */
interface GpuBackendLoader {
  /** The API's name, as a person knows it. */
  title: string;
  /** Why this browser cannot offer the API, or undefined when it can; asked before the chunk is fetched. */
  missing(): Promise<string | undefined>;
  /** What a person does instead when it cannot start. */
  fix: string;
  /** Fetches the backend's chunk, which registers it with tfjs. */
  load(): Promise<unknown>;
}

const LOADERS: Readonly<Record<GpuTfBackend, GpuBackendLoader>> = {
  // tfjs tells a missing WebGL apart itself: setBackend fails, and the error below says so.
  webgl: {
    title: 'WebGL',
    missing: () => Promise.resolve(undefined),
    load: () => import('@tensorflow/tfjs-backend-webgl'),
    fix: "join without tf=webgl to train with the experiment's backend",
  },
  webgpu: {
    title: 'WebGPU',
    missing: missingWebgpu,
    load: () => import('@tensorflow/tfjs-backend-webgpu'),
    fix: "join with tf=webgl to train on the GPU through WebGL, or without tf= to train with the experiment's backend",
  },
};

/**
 * Switches this tab's tfjs to its WebGL or WebGPU backend, loaded only now (a chunk of the page of
 * its own), for a tab that trains on its GPU rather than with the experiment's `training.tfBackend`.
 * GPU arithmetic rounds differently, so this tab's updates — and the ledger — may differ from
 * `fedtune run`'s in the last bits.
 * @returns the backend now in use.
 * @throws ConfigError naming what the browser lacks and the fix when it cannot start the backend.
 */
export async function trainOnGpu(backend: GpuTfBackend): Promise<string> {
  const loader = LOADERS[backend];
  const missing = await loader.missing();
  if (missing !== undefined) throw cannotStart(loader, missing);
  await loader.load();
  let started = false;
  try {
    started = await tf.setBackend(backend);
  } catch {
    started = false;
  }
  if (!started) throw cannotStart(loader, `tfjs could not start ${loader.title} on this device`);
  await tf.ready();
  return tf.getBackend();
}

/** The part of `navigator` WebGPU adds, where the browser has it (DOM typings lack it). */
interface WebgpuNavigator {
  gpu?: { requestAdapter(): Promise<object | null> };
}

/** Why this browser offers no WebGPU device: no `navigator.gpu`, or no adapter behind it. */
async function missingWebgpu(): Promise<string | undefined> {
  const gpu = (globalThis as { navigator?: WebgpuNavigator }).navigator?.gpu;
  if (gpu === undefined) {
    return 'it has no navigator.gpu: the browser lacks WebGPU, or the page is not a secure context (serve it over https, or open it on localhost)';
  }
  let adapter: object | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    return `navigator.gpu.requestAdapter() failed (${(error as Error).message})`;
  }
  return adapter === null ? 'navigator.gpu.requestAdapter() found no GPU adapter (WebGPU is turned off for this GPU or this browser)' : undefined;
}

function cannotStart(loader: GpuBackendLoader, reason: string): ConfigError {
  return new ConfigError(`this browser cannot start tfjs's ${loader.title} backend: ${reason}; ${loader.fix}`);
}
