import type { TopLevelSpec } from 'vega-lite';
import { byRoundSpec } from './byRound.js';
import type { ChartInput } from './chartInput.js';

/** Clustering accuracy of the adapter slots after each evaluated round, for the groups that report it. */
export function clusteringByRoundSpec(input: ChartInput): TopLevelSpec {
  return byRoundSpec(input, (point) => point.clusteringAccuracy, {
    y: { title: 'clustering accuracy', format: '.0%', zero: false },
  });
}

/** Whether any group reports a clustering, so the chart has something to draw. */
export function hasClustering(input: ChartInput): boolean {
  return input.series.some(({ points }) => points.some((point) => point.clusteringAccuracy !== null));
}
