import { ReferenceBackend } from '../../backend/index.js';
import type { Backend } from '../../contracts/backend.js';
import type { NamedFactory } from '../../contracts/tokens.js';
import { NO_OPTIONS, parseOptions } from '../options.js';

/** The pure-TypeScript reference backend. */
export const referenceBackendFactory: NamedFactory<Backend> = {
  name: 'reference',
  plugin: '@fedtune/core',
  description: 'every kernel in plain TypeScript on the CPU: the reference other backends are checked against',
  optionsSchema: NO_OPTIONS,
  create: (options) => {
    parseOptions('backend reference', NO_OPTIONS, options);
    return new ReferenceBackend();
  },
};
