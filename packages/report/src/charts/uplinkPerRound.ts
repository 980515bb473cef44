import type { TopLevelSpec } from 'vega-lite';
import { colourScale, type ChartInput } from './chartInput.js';
import { WIDE_CHART_SIZE } from './chartTheme.js';
import { lineWithBandSpec } from './lineWithBand.js';
import { seriesRow } from './seriesRows.js';

/**
 * Uplink bits sent by all clients together in each round; on a log axis when `input.logY` is set,
 * where rounds that sent nothing are left out.
 */
export function uplinkPerRoundSpec(input: ChartInput): TopLevelSpec {
  const rows = input.series.flatMap(({ label, points }) =>
    points.map((point) => seriesRow(label, point.round, point.uplinkBits)),
  );
  const { labels, colours } = colourScale(input);
  return lineWithBandSpec(rows, labels, colours, {
    x: { title: 'round', format: 'd' },
    y: { title: 'uplink bits in the round', format: '~s', zero: true, log: input.logY === true },
    size: WIDE_CHART_SIZE,
  });
}
