import type { Aggregator, NamedFactory } from '@fedtune/core';
import { ClusteredAggregator } from './clusteredAggregator.js';
import { TAC_CLUSTERING_ASSUMPTIONS } from './clusteringAssumptions.js';
import { tacAggregatorDescription, tacLocalAggregatorDescription, tacOracleAggregatorDescription } from './components.js';
import { parseTacLocalOptions, parseTacOptions, parseTacOracleOptions } from './options.js';
import { kMeansClustering, singletonClustering, trueTaskClustering } from './slotClusterings.js';
import { trueClientTasks } from './trueClientTasks.js';

/**
 * `tac`: k-means over the slots' adapters, one aggregate per cluster. The engine warns when fewer
 * clients take part than its clustering was shown to need ({@link TAC_CLUSTERING_ASSUMPTIONS}).
 */
export const tacAggregatorFactory: NamedFactory<Aggregator> = {
  ...tacAggregatorDescription,
  create: (options, { seed }) => {
    const parsed = parseTacOptions(options);
    return new ClusteredAggregator('tac', {
      clustering: kMeansClustering({ ...parsed, seed }),
      weighting: parsed.weighting,
      includeHead: parsed.includeHead,
      projectionDir: parsed.projectionDir,
      seed,
      assumes: TAC_CLUSTERING_ASSUMPTIONS,
    });
  },
};

/**
 * `tac-oracle`: the same aggregation with the true task of every slot as its cluster. The task map
 * is re-derived from the seed and the options, which repeat the experiment's `data` fields.
 */
export const tacOracleAggregatorFactory: NamedFactory<Aggregator> = {
  ...tacOracleAggregatorDescription,
  create: (options, { seed, numClients }) => {
    const parsed = parseTacOracleOptions(options);
    return new ClusteredAggregator('tac-oracle', {
      clustering: trueTaskClustering(trueClientTasks(seed, numClients, parsed.numTasks, parsed.tasksPerClient)),
      weighting: parsed.weighting,
      includeHead: parsed.includeHead,
      projectionDir: parsed.projectionDir,
      seed,
    });
  },
};

/** `tac-local`: local-only training; every slot keeps the adapter it trained. */
export const tacLocalAggregatorFactory: NamedFactory<Aggregator> = {
  ...tacLocalAggregatorDescription,
  create: (options, { seed }) => {
    const parsed = parseTacLocalOptions(options);
    return new ClusteredAggregator('tac-local', {
      clustering: singletonClustering,
      weighting: 'uniform',
      includeHead: parsed.includeHead,
      projectionDir: parsed.projectionDir,
      seed,
    });
  },
};
