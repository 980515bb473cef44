import type { TopLevelSpec } from 'vega-lite';
import { groupRuns } from '../analysis/groupRuns.js';
import { roundSeries } from '../analysis/roundSeries.js';
import type { RunRecord } from '../read/types.js';
import { accuracyByRoundSpec } from './accuracyByRound.js';
import { accuracyByUplinkSpec } from './accuracyByUplink.js';
import type { ChartInput } from './chartInput.js';
import { seriesColour } from './chartTheme.js';
import { participationSpec } from './participation.js';
import { renderSvg } from './renderSvg.js';
import { uplinkPerRoundSpec } from './uplinkPerRound.js';

/** One chart of the report, rendered. */
export interface RenderedChart {
  /** Stable name, also the SVG file's name without `.svg`. */
  id: string;
  title: string;
  /** How to read the chart. */
  caption: string;
  svg: string;
}

const BAND = 'Lines are means over seeds; shaded bands are ± one standard deviation.';

const CHARTS: { id: string; title: string; caption: string; spec: (input: ChartInput) => TopLevelSpec }[] = [
  {
    id: 'accuracy-by-round',
    title: 'Test accuracy by round',
    caption: `Accuracy of the global model after each evaluated round. ${BAND}`,
    spec: accuracyByRoundSpec,
  },
  {
    id: 'accuracy-by-uplink',
    title: 'Test accuracy against uplink traffic',
    caption: `Accuracy against the bits all clients had sent up to that round; further left is cheaper. ${BAND}`,
    spec: accuracyByUplinkSpec,
  },
  {
    id: 'uplink-per-round',
    title: 'Uplink bits per round',
    caption: `Bits of every upload sent in the round, as serialised. ${BAND}`,
    spec: uplinkPerRoundSpec,
  },
  {
    id: 'participation',
    title: 'Participation per round',
    caption:
      'Sampled clients by outcome: uploads that arrived, uploads the channel lost, and clients whose rule skipped the upload (means over seeds).',
    spec: participationSpec,
  },
];

/**
 * Renders the report's charts for `runs` as SVG: accuracy by round, accuracy against cumulative
 * uplink bits, uplink bits per round and participation per round. Runs are grouped by seed as
 * {@link groupRuns} does, and coloured in group order, as the report's table is.
 */
export async function renderCharts(
  runs: readonly RunRecord[],
  options: { target?: number } = {},
): Promise<RenderedChart[]> {
  const input: ChartInput = {
    series: groupRuns(runs).map((group, index) => ({
      label: group.label,
      colour: seriesColour(index),
      points: roundSeries(group),
    })),
    ...(options.target === undefined ? {} : { target: options.target }),
  };
  const rendered: RenderedChart[] = [];
  // One at a time: rendering swaps vega's global text measurement.
  for (const { spec, ...chart } of CHARTS) rendered.push({ ...chart, svg: await renderSvg(spec(input)) });
  return rendered;
}
