import { AGGREGATOR, registerNamed, type FedtunePlugin } from '@fedtune/core';
import manifest from '../package.json' with { type: 'json' };
import { trimmedMeanDescription } from './components.js';
import { parseTrimmedMeanOptions, TrimmedMeanAggregator } from './trimmedMean.js';

export { parseTrimmedMeanOptions, TrimmedMeanAggregator } from './trimmedMean.js';

// Name and version come from package.json, so the descriptor always says what is installed; a JSON
// module import (not createRequire) keeps the plugin bundleable for browser clients.
const { name: PACKAGE_NAME, version } = manifest;

/** Registers the aggregator `trimmed-mean` (option `trim`, default 0.1). */
export const plugin: FedtunePlugin = {
  name: PACKAGE_NAME,
  version,
  register(container) {
    registerNamed(container, AGGREGATOR, {
      ...trimmedMeanDescription,
      create: (options) => new TrimmedMeanAggregator(parseTrimmedMeanOptions(options).trim),
    });
  },
};

export default plugin;
