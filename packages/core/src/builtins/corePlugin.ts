import { createRequire } from 'node:module';
import type { FedtunePlugin } from '../contracts/plugin.js';
import { registerCoreComponents } from './register.js';

export { createFedtuneContainer } from './container.js';

// Read at run time so the descriptor's version cannot drift from the published package's.
const corePackage = createRequire(import.meta.url)('../../package.json') as { name: string; version: string };

/** Core's own components (compressors `none`/`qsgd`, aggregator `fedavg`, …) as a plugin descriptor. */
export const corePlugin: FedtunePlugin = {
  name: corePackage.name,
  version: corePackage.version,
  register: registerCoreComponents,
};
