import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG, WIDE_CHART_SIZE } from './chartTheme.js';
import { largest } from '../analysis/extremes.js';
import type { ChartInput } from './chartInput.js';

/** What became of each sampled client, bottom to top, with its colour. */
const OUTCOMES = [
  { key: 'arrived', name: 'uploaded, arrived', colour: '#4e79a7' },
  { key: 'lost', name: 'uploaded, lost', colour: '#e15759' },
  { key: 'skipped', name: 'skipped', colour: '#bab0ac' },
] as const;

/** Height of each group's panel when there are several, stacked. */
const PANEL_HEIGHT = 90;

/** Axis labels on the round axis, at most; more would overlap. */
const MAX_ROUND_LABELS = 12;

/**
 * Per round, the clients that uploaded (split into arrived and lost) and those that chose not to
 * send, as stacked bars: one panel per group, panels one above the other, means over the group's runs.
 */
export function participationSpec(input: ChartInput): TopLevelSpec {
  const rows = input.series.flatMap(({ label, points }) =>
    points.flatMap((point) =>
      OUTCOMES.map((outcome, order) => ({
        series: label,
        round: point.round,
        outcome: outcome.name,
        order,
        clients: point[outcome.key],
      })),
    ),
  );
  const panels = input.series.length;
  const lastRound = largest(input.series.flatMap((s) => s.points.map((point) => point.round)));
  const step = Math.ceil(lastRound / MAX_ROUND_LABELS);
  const labelledRounds = Array.from({ length: lastRound }, (_, i) => i + 1).filter((round) => round % step === 0);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    data: { values: rows },
    facet: {
      field: 'series',
      type: 'nominal',
      sort: input.series.map((s) => s.label),
      title: null,
      header: panels === 1 ? null : {},
    },
    // One column: panels share the round axis, drawn once under the last.
    columns: 1,
    spec: {
      width: WIDE_CHART_SIZE.width,
      height: panels === 1 ? WIDE_CHART_SIZE.height : PANEL_HEIGHT,
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'round', type: 'ordinal', title: 'round', axis: { values: labelledRounds, labelAngle: 0 } },
        y: { field: 'clients', type: 'quantitative', title: 'clients', stack: 'zero' },
        color: {
          field: 'outcome',
          type: 'nominal',
          scale: { domain: OUTCOMES.map((o) => o.name), range: OUTCOMES.map((o) => o.colour) },
          legend: { direction: 'horizontal' },
        },
        order: { field: 'order' },
      },
    },
  };
}
