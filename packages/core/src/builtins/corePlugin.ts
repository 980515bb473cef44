// Imported rather than copied, so the descriptor's version cannot drift from the published
// package's; a JSON module (not a read through node:module) so bundlers can inline it for browsers.
import manifest from '../../package.json' with { type: 'json' };
import type { FedtunePlugin } from '../contracts/plugin.js';
import { registerCoreComponents } from './register.js';

export { createFedtuneContainer } from './container.js';

/** Core's own components (compressors `none`/`qsgd`, aggregator `fedavg`, …) as a plugin descriptor. */
export const corePlugin: FedtunePlugin = {
  name: manifest.name,
  version: manifest.version,
  register: registerCoreComponents,
};
