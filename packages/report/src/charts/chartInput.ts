import type { RoundPoint } from '../analysis/roundSeries.js';
import { shortPercent } from '../render/formatValues.js';

/** What every chart is drawn from: the groups in order, their colours and their per-round series. */
export interface ChartInput {
  series: { label: string; colour: string; points: RoundPoint[] }[];
  /** Target test accuracy, drawn as a dashed line on the accuracy charts. */
  target?: number;
  /** Draw the uplink, downlink, perplexity and adapter-metric charts by round on a log y axis. */
  logY?: boolean;
}

/** Labels and colours in group order, for a colour scale that every chart shares. */
export function colourScale(input: ChartInput): { labels: string[]; colours: string[] } {
  return { labels: input.series.map((s) => s.label), colours: input.series.map((s) => s.colour) };
}

/** The dashed target line, when there is a target. */
export function targetRule(input: ChartInput): { y: number; text: string } | undefined {
  return input.target === undefined ? undefined : { y: input.target, text: `target ${shortPercent(input.target)}` };
}
