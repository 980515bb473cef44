import type { TopLevelSpec } from 'vega-lite';
import { colourScale, type ChartInput } from './chartInput.js';
import { lineWithBandSpec } from './lineWithBand.js';
import { seriesRow } from './seriesRows.js';

/**
 * One adapter metric after each evaluated round, for the groups whose adapter reports it; on a
 * log axis when `input.logY` is set, where values of zero or less are left out.
 */
export function adapterMetricByRoundSpec(input: ChartInput, name: string): TopLevelSpec {
  const rows = input.series.flatMap(({ label, points }) =>
    points.flatMap((point) => {
      const value = point.adapterMetrics.get(name);
      return value === undefined ? [] : [seriesRow(label, point.round, value)];
    }),
  );
  const { labels, colours } = colourScale(input);
  return lineWithBandSpec(rows, labels, colours, {
    x: { title: 'round', format: 'd' },
    y: { title: name, format: '~g', zero: false, log: input.logY === true },
  });
}
