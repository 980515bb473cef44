import { z } from 'zod';
import type { Selector } from '../../contracts/selector.js';
import type { NamedFactory } from '../../contracts/tokens.js';
import { parseOptions } from '../options.js';

/** Every client takes part and uploads every round. */
export const allSelectorFactory: NamedFactory<Selector> = {
  name: 'all',
  plugin: '@fedtune/core',
  create: (options) => {
    parseOptions('selector all', z.strictObject({}), options);
    return {
      name: 'all',
      participation: 1,
      sample: ({ clientIds }) => clientIds.slice(),
      shouldUpload: () => true,
    };
  },
};
