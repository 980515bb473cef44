import type { TopLevelSpec } from 'vega-lite';
import type { RoundPoint } from '../analysis/roundSeries.js';
import type { Statistic } from '../analysis/statistics.js';
import { colourScale, type ChartInput } from './chartInput.js';
import { lineWithBandSpec, type LineChartAxes } from './lineWithBand.js';
import { seriesRow } from './seriesRows.js';

/**
 * One quantity of each group by round, as a line over its seed band; rounds for which `value`
 * gives nothing (not evaluated, or not reported by the group's runs) are left out.
 */
export function byRoundSpec(
  input: ChartInput,
  value: (point: RoundPoint) => Statistic | null | undefined,
  axes: Omit<LineChartAxes, 'x'>,
): TopLevelSpec {
  const rows = input.series.flatMap(({ label, points }) =>
    points.flatMap((point) => {
      const statistic = value(point);
      return statistic === null || statistic === undefined ? [] : [seriesRow(label, point.round, statistic)];
    }),
  );
  const { labels, colours } = colourScale(input);
  return lineWithBandSpec(rows, labels, colours, { x: { title: 'round', format: 'd' }, ...axes });
}
