import { chooseAdapterMetrics } from '../analysis/adapterMetrics.js';
import { groupRuns, type GroupLabels } from '../analysis/groupRuns.js';
import { roundSeries } from '../analysis/roundSeries.js';
import type { RunRecord } from '../read/types.js';
import { accuracyByRoundSpec } from './accuracyByRound.js';
import { accuracyByUplinkSpec } from './accuracyByUplink.js';
import { adapterMetricByRoundSpec } from './adapterMetricByRound.js';
import type { ChartInput } from './chartInput.js';
import { BAND_CAPTION, type ChartKind } from './chartKind.js';
import { seriesColour } from './chartTheme.js';
import { clusteringByRoundSpec, hasClustering } from './clusteringByRound.js';
import { participationSpec } from './participation.js';
import { renderSvg } from './renderSvg.js';
import { ROUND_FIELD_CHARTS } from './roundFieldCharts.js';
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

const CHARTS: ChartKind[] = [
  {
    id: 'accuracy-by-round',
    title: 'Test accuracy by round',
    caption: `Accuracy of the global model after each evaluated round. ${BAND_CAPTION}`,
    spec: accuracyByRoundSpec,
  },
  {
    id: 'accuracy-by-uplink',
    title: 'Test accuracy against uplink traffic',
    caption: `Accuracy against the bits all clients had sent up to that round; further left is cheaper. ${BAND_CAPTION}`,
    spec: accuracyByUplinkSpec,
  },
  {
    id: 'uplink-per-round',
    title: 'Uplink bits per round',
    caption: `Bits of every upload sent in the round, as serialised. ${BAND_CAPTION}`,
    spec: uplinkPerRoundSpec,
  },
  {
    id: 'participation',
    title: 'Participation per round',
    caption:
      'Sampled clients by outcome: uploads that arrived, uploads the channel lost, and clients whose rule skipped the upload (means over seeds).',
    spec: participationSpec,
  },
  ...ROUND_FIELD_CHARTS,
  {
    id: 'clustering-by-round',
    title: 'Clustering accuracy by round',
    caption: `Share of adapter slots the server grouped with their true task (best one-to-one matching), for aggregators that keep per-slot parameters. ${BAND_CAPTION}`,
    spec: clusteringByRoundSpec,
    drawn: hasClustering,
  },
];

/** A chart of one adapter metric by round. */
function adapterMetricChart(name: string): ChartKind {
  return {
    id: `metric-${name.replace(/[^A-Za-z0-9._-]/g, '_')}`,
    title: `${name} by round`,
    caption: `The adapter's ${name} of the global parameters after each evaluated round. ${BAND_CAPTION}`,
    spec: (input) => adapterMetricByRoundSpec(input, name),
  };
}

/** What {@link renderCharts} draws and how it names the groups. */
export interface ChartOptions {
  /** Target test accuracy, drawn as a dashed line on the accuracy charts. */
  target?: number;
  /** Adapter metrics to chart by round, by name; none when absent. */
  adapterMetrics?: readonly string[];
  /** How groups are named, as in {@link groupRuns}. */
  labels?: GroupLabels;
  /**
   * Draw the by-round charts of positive quantities (uplink and downlink bits, perplexity, adapter
   * metrics) on a log y axis, for values that span orders of magnitude; the accuracy, loss and
   * bits-per-value charts keep their linear axis.
   */
  logY?: boolean;
}

/**
 * Renders the report's charts for `runs` as SVG: accuracy by round, accuracy against cumulative
 * uplink bits, uplink bits per round, participation per round; by round, each of test loss,
 * training loss, perplexity, uplink bits per value and downlink bits that the runs' ledgers hold;
 * the clustering accuracy by round when the runs report one; and each adapter metric asked for by round. Runs are grouped by seed
 * as {@link groupRuns} does, and coloured in group order, as the report's table is. Throws a
 * `ReportOptionError` for an adapter metric no run reports.
 */
export async function renderCharts(runs: readonly RunRecord[], options: ChartOptions = {}): Promise<RenderedChart[]> {
  const adapterMetrics = options.adapterMetrics === undefined ? [] : chooseAdapterMetrics(runs, options.adapterMetrics);
  const input: ChartInput = {
    series: groupRuns(runs, options.labels).map((group, index) => ({
      label: group.label,
      colour: seriesColour(index),
      points: roundSeries(group),
    })),
    ...(options.target === undefined ? {} : { target: options.target }),
    ...(options.logY === undefined ? {} : { logY: options.logY }),
  };
  const kinds = [...CHARTS.filter((chart) => chart.drawn?.(input) ?? true), ...adapterMetrics.map(adapterMetricChart)];
  const rendered: RenderedChart[] = [];
  // One at a time: rendering swaps vega's global text measurement.
  for (const { id, title, caption, spec } of kinds)
    rendered.push({ id, title, caption, svg: await renderSvg(spec(input)) });
  return rendered;
}
