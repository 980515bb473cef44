import { createRequire } from 'node:module';
import { BACKEND, registerNamed, type FedtunePlugin } from '@fedtune/core';
import { gpujsBackendFactory, PACKAGE_NAME } from './factory.js';

// Read at run time so the descriptor's version cannot drift from the published package's.
const packageJson = createRequire(import.meta.url)('../package.json') as { version: string };

/**
 * The plugin descriptor: registers the `gpujs` backend, so an experiment can say
 * `"plugins": ["@fedtune/backend-gpujs"]` and `"backend": { "name": "gpujs" }`.
 */
export const gpujsPlugin: FedtunePlugin = {
  name: PACKAGE_NAME,
  version: packageJson.version,
  register(container) {
    registerNamed(container, BACKEND, gpujsBackendFactory);
  },
};
