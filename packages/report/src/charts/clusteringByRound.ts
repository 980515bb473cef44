import type { TopLevelSpec } from 'vega-lite';
import { colourScale, type ChartInput } from './chartInput.js';
import { lineWithBandSpec } from './lineWithBand.js';
import { seriesRow } from './seriesRows.js';

/** Clustering accuracy of the adapter slots after each evaluated round, for the groups that report it. */
export function clusteringByRoundSpec(input: ChartInput): TopLevelSpec {
  const rows = input.series.flatMap(({ label, points }) =>
    points.flatMap((point) =>
      point.clusteringAccuracy === null ? [] : [seriesRow(label, point.round, point.clusteringAccuracy)],
    ),
  );
  const { labels, colours } = colourScale(input);
  return lineWithBandSpec(rows, labels, colours, {
    x: { title: 'round', format: 'd' },
    y: { title: 'clustering accuracy', format: '.0%', zero: false },
  });
}

/** Whether any group reports a clustering, so the chart has something to draw. */
export function hasClustering(input: ChartInput): boolean {
  return input.series.some(({ points }) => points.some((point) => point.clusteringAccuracy !== null));
}
