import type { Backend, NamedFactory } from '@fedtune/core';
import { gpujsBackendDescription } from './components.js';
import { GpujsBackend } from './gpujsBackend.js';
import { parseGpujsOptions } from './options.js';

export { PACKAGE_NAME } from './packageName.js';

/**
 * The `gpujs` backend factory: `"backend": { "name": "gpujs", "options": { "mode": "headlessgl" } }`.
 * Creating it fails (GpuUnavailableError) when the engine cannot run here; it never falls back.
 */
export const gpujsBackendFactory: NamedFactory<Backend> = {
  ...gpujsBackendDescription,
  create: (options) => new GpujsBackend(parseGpujsOptions(options)),
};
