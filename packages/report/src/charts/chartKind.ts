import type { TopLevelSpec } from 'vega-lite';
import type { ChartInput } from './chartInput.js';

/** A chart of the report; `drawn` says whether the runs have what it shows (every run has, when absent). */
export interface ChartKind {
  /** Stable name, also the SVG file's name without `.svg`. */
  id: string;
  title: string;
  /** How to read the chart. */
  caption: string;
  spec: (input: ChartInput) => TopLevelSpec;
  drawn?: (input: ChartInput) => boolean;
}

/** What the captions of line charts over seeds say about their bands. */
export const BAND_CAPTION = 'Lines are means over seeds; shaded bands are ± one standard deviation.';
