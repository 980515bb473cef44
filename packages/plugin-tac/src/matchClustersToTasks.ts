import { minimumCostAssignment } from '@fedtune/core';

/**
 * The one-to-one map from cluster ids to task ids that agrees with the most items (Hungarian
 * matching, as clustering accuracy uses it): `result[c]` is cluster c's task, or −1 when there are
 * more clusters than tasks and c is left over.
 */
export function matchClustersToTasks(clusters: readonly number[], tasks: readonly number[]): number[] {
  if (clusters.length !== tasks.length) {
    throw new RangeError(`matchClustersToTasks: ${clusters.length} cluster ids but ${tasks.length} task ids`);
  }
  if (clusters.length === 0) return [];
  const numClusters = Math.max(...clusters) + 1;
  const numTasks = Math.max(...tasks) + 1;
  const size = Math.max(numClusters, numTasks);
  // Square and negated: the minimum-cost assignment maximises the items that agree.
  const cost = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  clusters.forEach((cluster, i) => {
    const row = cost[cluster] as number[];
    row[tasks[i] as number] = (row[tasks[i] as number] as number) - 1;
  });
  return minimumCostAssignment(cost)
    .slice(0, numClusters)
    .map((task) => (task < numTasks ? task : -1));
}
