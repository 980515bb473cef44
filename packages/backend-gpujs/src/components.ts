import type { ComponentDescription, ComponentManifest } from '@fedtune/core/components';
import { PACKAGE_NAME } from './packageName.js';

// The package's component manifest (package.json's "fedtune.components"): `fedtune list` reads it
// instead of the entry, which loads gpu.js and core's engine.

/**
 * The backend `gpujs`, as its factory registers it. Its options are checked by hand
 * (`parseGpujsOptions`), so it has no schema to list.
 */
export const gpujsBackendDescription = {
  name: 'gpujs',
  plugin: PACKAGE_NAME,
  description: 'every kernel on gpu.js: WebGL2 or WebGPU (from a Web Worker) in a browser, headless-gl in Node',
} satisfies ComponentDescription;

/** Every component `register` adds, for `fedtune list`. */
export const components: ComponentManifest = {
  backend: [gpujsBackendDescription],
};
