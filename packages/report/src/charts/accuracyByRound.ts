import type { TopLevelSpec } from 'vega-lite';
import { colourScale, targetRule, type ChartInput } from './chartInput.js';
import { lineWithBandSpec } from './lineWithBand.js';
import { seriesRow } from './seriesRows.js';

/** Test accuracy after each evaluated round. */
export function accuracyByRoundSpec(input: ChartInput): TopLevelSpec {
  const rows = input.series.flatMap(({ label, points }) =>
    points.flatMap((point) => (point.testAccuracy === null ? [] : [seriesRow(label, point.round, point.testAccuracy)])),
  );
  const { labels, colours } = colourScale(input);
  return lineWithBandSpec(rows, labels, colours, {
    x: { title: 'round', format: 'd' },
    y: { title: 'test accuracy', format: '.0%', zero: false },
    rule: targetRule(input),
  });
}
