import type { Selector } from '../../contracts/selector.js';
import type { NamedFactory } from '../../contracts/tokens.js';
import { NO_OPTIONS, parseOptions } from '../options.js';

/** Every client takes part and uploads every round. */
export const allSelectorFactory: NamedFactory<Selector> = {
  name: 'all',
  plugin: '@fedtune/core',
  description: 'every client takes part in every round and uploads',
  optionsSchema: NO_OPTIONS,
  create: (options) => {
    parseOptions('selector all', NO_OPTIONS, options);
    return {
      name: 'all',
      participation: 1,
      sample: ({ clientIds }) => clientIds.slice(),
      shouldUpload: () => true,
    };
  },
};
