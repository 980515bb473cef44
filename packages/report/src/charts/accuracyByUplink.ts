import type { TopLevelSpec } from 'vega-lite';
import { colourScale, targetRule, type ChartInput } from './chartInput.js';
import { lineWithBandSpec } from './lineWithBand.js';
import { seriesRow } from './seriesRows.js';

/**
 * Test accuracy against the uplink bits sent so far (mean over the group's runs), on a log axis
 * so that compressors orders of magnitude apart share one chart. Points before the first bit
 * was sent cannot sit on a log axis and are left out.
 */
export function accuracyByUplinkSpec(input: ChartInput): TopLevelSpec {
  const rows = input.series.flatMap(({ label, points }) =>
    points.flatMap((point) =>
      point.testAccuracy === null || point.cumulativeUplinkBits.mean <= 0
        ? []
        : [seriesRow(label, point.cumulativeUplinkBits.mean, point.testAccuracy)],
    ),
  );
  const { labels, colours } = colourScale(input);
  return lineWithBandSpec(rows, labels, colours, {
    x: { title: 'cumulative uplink bits (log scale)', format: '~s', log: true },
    y: { title: 'test accuracy', format: '.0%', zero: false },
    rule: targetRule(input),
  });
}
