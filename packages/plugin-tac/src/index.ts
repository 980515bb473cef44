import { AGGREGATOR, registerNamed, reserveRandomStreams, type FedtunePlugin } from '@fedtune/core';
import { tacAggregatorFactory, tacLocalAggregatorFactory, tacOracleAggregatorFactory } from './aggregatorFactories.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './packageName.js';
import { TAC_RANDOM_STREAMS } from './streams.js';

export { tacAggregatorFactory, tacLocalAggregatorFactory, tacOracleAggregatorFactory } from './aggregatorFactories.js';
export { type ChosenFit, kMeansWithSilhouette } from './automaticClusterCount.js';
export { ClusteredAggregator, type ClusteredAggregatorSettings } from './clusteredAggregator.js';
export { TAC_CLUSTERING_ASSUMPTIONS } from './clusteringAssumptions.js';
export { clusteredRanges, featureRows, type VectorRange } from './clusteredTensors.js';
export { type ClusterWeighting, clusterMeans } from './clusterMeans.js';
export { type KMeansFit, kMeans, type KMeansSettings } from './kMeans.js';
export { matchClustersToTasks } from './matchClustersToTasks.js';
export {
  parseTacLocalOptions,
  parseTacOptions,
  parseTacOracleOptions,
  type TacLocalOptions,
  type TacOptions,
  type TacOracleOptions,
} from './options.js';
export { PACKAGE_NAME } from './packageName.js';
export { type PlaneProjection, principalPlane } from './principalPlane.js';
export { parseProjectionLog, type ProjectedSlot, ProjectionLog, type ProjectionRecord } from './projectionLog.js';
export { silhouetteScore } from './silhouette.js';
export {
  type ClusteringInput,
  type KMeansClusteringSettings,
  kMeansClustering,
  type SlotClustering,
  singletonClustering,
  trueTaskClustering,
} from './slotClusterings.js';
export { TAC_RANDOM_STREAMS, TacStreams } from './streams.js';
export { trueClientTasks } from './trueClientTasks.js';

/**
 * Registers the aggregators `tac` (k-means), `tac-oracle` (true tasks) and `tac-local` (no
 * aggregation), and reserves the random streams 1000–1001.
 */
export const plugin: FedtunePlugin = {
  name: PACKAGE_NAME,
  version: PACKAGE_VERSION,
  register(container) {
    reserveRandomStreams(container, { plugin: PACKAGE_NAME, ...TAC_RANDOM_STREAMS });
    registerNamed(container, AGGREGATOR, tacAggregatorFactory);
    registerNamed(container, AGGREGATOR, tacOracleAggregatorFactory);
    registerNamed(container, AGGREGATOR, tacLocalAggregatorFactory);
  },
};

export default plugin;
