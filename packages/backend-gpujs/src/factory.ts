import type { Backend, NamedFactory } from '@fedtune/core';
import { GpujsBackend } from './gpujsBackend.js';
import { parseGpujsOptions } from './options.js';

/** The package name, as factories and the plugin descriptor report it. */
export const PACKAGE_NAME = '@fedtune/backend-gpujs';

/**
 * The `gpujs` backend factory: `"backend": { "name": "gpujs", "options": { "mode": "headlessgl" } }`.
 * Creating it fails (GpuUnavailableError) when the engine cannot run here; it never falls back.
 */
export const gpujsBackendFactory: NamedFactory<Backend> = {
  name: 'gpujs',
  plugin: PACKAGE_NAME,
  description: 'every kernel on gpu.js: WebGL2 in a browser, headless-gl in Node',
  create: (options) => new GpujsBackend(parseGpujsOptions(options)),
};
