import { AGGREGATOR, registerNamed, type FedtunePlugin } from '@fedtune/core';
import { parseTrimmedMeanOptions, TrimmedMeanAggregator } from './trimmedMean.js';

export { parseTrimmedMeanOptions, TrimmedMeanAggregator } from './trimmedMean.js';

/** The package name, which fedtune shows in name clashes and which experiment files list under "plugins". */
const PACKAGE_NAME = 'fedtune-plugin-trimmed-mean';

/** Registers the aggregator `trimmed-mean` (option `trim`, default 0.1). */
export const plugin: FedtunePlugin = {
  name: PACKAGE_NAME,
  version: '0.1.0',
  register(container) {
    registerNamed(container, AGGREGATOR, {
      name: 'trimmed-mean',
      plugin: PACKAGE_NAME,
      create: (options) => new TrimmedMeanAggregator(parseTrimmedMeanOptions(options).trim),
    });
  },
};

export default plugin;
