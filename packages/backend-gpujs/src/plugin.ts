import { BACKEND, registerNamed, type FedtunePlugin } from '@fedtune/core';
import { gpujsBackendFactory, PACKAGE_NAME } from './factory.js';
// Imported rather than copied, so the descriptor's version cannot drift from the published
// package's; a JSON module (not a read through node:module) so bundlers can inline it for browsers.
import manifest from '../package.json' with { type: 'json' };

/**
 * The plugin descriptor: registers the `gpujs` backend, so an experiment can say
 * `"plugins": ["@fedtune/backend-gpujs"]` and `"backend": { "name": "gpujs" }`.
 */
export const gpujsPlugin: FedtunePlugin = {
  name: PACKAGE_NAME,
  version: manifest.version,
  register(container) {
    registerNamed(container, BACKEND, gpujsBackendFactory);
  },
};
