import { AGGREGATOR, registerNamed, type FedtunePlugin } from '@fedtune/core';
import { tacAggregatorFactory, tacLocalAggregatorFactory, tacOracleAggregatorFactory } from './aggregatorFactories.js';
import { PACKAGE_NAME } from './packageName.js';

export { tacAggregatorFactory, tacLocalAggregatorFactory, tacOracleAggregatorFactory } from './aggregatorFactories.js';
export { type ChosenFit, kMeansWithSilhouette } from './automaticClusterCount.js';
export { ClusteredAggregator, type ClusteredAggregatorSettings } from './clusteredAggregator.js';
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
export { TacStreams } from './streams.js';
export { trueClientTasks } from './trueClientTasks.js';

/** Registers the aggregators `tac` (k-means), `tac-oracle` (true tasks) and `tac-local` (no aggregation). */
export const plugin: FedtunePlugin = {
  name: PACKAGE_NAME,
  version: '0.1.0',
  register(container) {
    registerNamed(container, AGGREGATOR, tacAggregatorFactory);
    registerNamed(container, AGGREGATOR, tacOracleAggregatorFactory);
    registerNamed(container, AGGREGATOR, tacLocalAggregatorFactory);
  },
};

export default plugin;
