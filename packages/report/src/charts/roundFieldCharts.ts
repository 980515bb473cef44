import type { RoundField } from '../analysis/roundFields.js';
import { byRoundSpec } from './byRound.js';
import type { ChartInput } from './chartInput.js';
import { BAND_CAPTION, type ChartKind } from './chartKind.js';
import type { LineChartAxes } from './lineWithBand.js';

/** How one {@link RoundField} is charted by round. */
interface RoundFieldChart {
  field: RoundField;
  id: string;
  title: string;
  caption: string;
  y: LineChartAxes['y'];
  /** Drawn on a log y axis with `--log-y`: positive quantities that can span orders of magnitude. */
  logY?: boolean;
  /** Also needs a value above zero somewhere: a field every ledger has, drawn only when something was sent. */
  positive?: boolean;
}

const FIELD_CHARTS: RoundFieldChart[] = [
  {
    field: 'testLoss',
    id: 'test-loss-by-round',
    title: 'Test loss by round',
    caption: 'Test cross-entropy after each evaluated round, averaged as test accuracy is.',
    y: { title: 'test loss', format: '~g', zero: false },
  },
  {
    field: 'trainLoss',
    id: 'train-loss-by-round',
    title: 'Training loss by round',
    caption:
      "Local training loss of the round's participants, weighted by their examples (with any regulariser the adapter adds).",
    y: { title: 'training loss', format: '~g', zero: false },
  },
  {
    field: 'testPerplexity',
    id: 'perplexity-by-round',
    title: 'Test perplexity by round',
    caption: 'Perplexity per byte, exp(test cross-entropy), after each evaluated round of next-byte tasks.',
    y: { title: 'test perplexity', format: '~g', zero: false },
    logY: true,
  },
  {
    field: 'bitsPerValue',
    id: 'bits-per-value-by-round',
    title: 'Uplink bits per value by round',
    caption:
      "Bits the round's uploads spent per value they carried (8 · uplink bytes / values sent), headers included.",
    y: { title: 'uplink bits per value', format: '~g', zero: true },
  },
  {
    field: 'downlinkBits',
    id: 'downlink-per-round',
    title: 'Downlink bits per round',
    caption: "Bits of the model the server sent to the round's participants, as serialised.",
    y: { title: 'downlink bits in the round', format: '~s', zero: true },
    logY: true,
    positive: true,
  },
];

/**
 * A chart by round for each {@link RoundField}, drawn only when some group has the field (and,
 * for `positive` ones, a value above zero), so a report shows the quantities its runs wrote.
 */
export const ROUND_FIELD_CHARTS: ChartKind[] = FIELD_CHARTS.map((chart) => ({
  id: chart.id,
  title: chart.title,
  caption: `${chart.caption} ${BAND_CAPTION}`,
  spec: (input: ChartInput) =>
    byRoundSpec(input, (point) => point.fields[chart.field], {
      y: { ...chart.y, log: chart.logY === true && input.logY === true },
    }),
  drawn: (input: ChartInput) =>
    input.series.some(({ points }) =>
      points.some((point) => {
        const value = point.fields[chart.field];
        return value !== undefined && (chart.positive !== true || value.mean > 0);
      }),
    ),
}));
