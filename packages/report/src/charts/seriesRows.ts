import type { Statistic } from '../analysis/statistics.js';

/** One point of a group's line, with the band around it when the group has several runs. */
export interface SeriesRow {
  series: string;
  x: number;
  y: number;
  /** Mean − std and mean + std; absent for a single run. */
  low?: number;
  high?: number;
  runs: number;
}

/** A chart row for `series` at `x` from a statistic over runs. */
export function seriesRow(series: string, x: number, statistic: Statistic): SeriesRow {
  const { mean, std, n } = statistic;
  return std === null
    ? { series, x, y: mean, runs: n }
    : { series, x, y: mean, low: mean - std, high: mean + std, runs: n };
}
