import { z } from 'zod';
import { ReferenceBackend } from '../../backend/index.js';
import type { Backend } from '../../contracts/backend.js';
import type { NamedFactory } from '../../contracts/tokens.js';
import { parseOptions } from '../options.js';

/** The pure-TypeScript reference backend. */
export const referenceBackendFactory: NamedFactory<Backend> = {
  name: 'reference',
  plugin: '@fedtune/core',
  create: (options) => {
    parseOptions('backend reference', z.strictObject({}), options);
    return new ReferenceBackend();
  },
};
