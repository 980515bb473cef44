import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG, CHART_SIZE } from './chartTheme.js';
import { largest, smallest } from '../analysis/extremes.js';
import type { SeriesRow } from './seriesRows.js';

/** Axes and extras of a {@link lineWithBandSpec} chart. */
export interface LineChartAxes {
  x: { title: string; format: string; log?: boolean };
  /** `log`: a log scale, on which values of zero or less cannot sit and are left out. */
  y: { title: string; format: string; zero: boolean; log?: boolean };
  /** A dashed horizontal line, such as the target accuracy. */
  rule?: { y: number; text: string };
  /** Plot area; the grid's half width unless given. */
  size?: { width: number; height: number };
}

/** Lines beyond this many points are drawn without point markers, which would only clutter. */
const MAX_MARKED_POINTS = 40;

/**
 * One line per group (the mean over its runs) over a shaded band of ± one standard deviation
 * where a group has several runs. Colours follow `series` order, so every chart agrees.
 */
export function lineWithBandSpec(
  rows: readonly SeriesRow[],
  series: readonly string[],
  colours: readonly string[],
  axes: LineChartAxes,
): TopLevelSpec {
  const logY = axes.y.log === true;
  const plotted = logY ? rows.filter((row) => row.y > 0) : rows;
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    title: axes.x.title,
    axis: {
      ...(axes.x.log === true && spansDecades(plotted.map((row) => row.x))
        ? powersOfTen(axes.x.format)
        : axisFormat(axes.x.format)),
      tickMinStep: 1,
      labelOverlap: 'greedy' as const,
      labelSeparation: 6,
    },
    scale: axes.x.log === true ? { type: 'log' as const } : { nice: false },
  };
  const y = {
    type: 'quantitative' as const,
    title: logY ? `${axes.y.title} (log scale)` : axes.y.title,
    axis: logY && spansDecades(plotted.map((row) => row.y)) ? powersOfTen(axes.y.format) : axisFormat(axes.y.format),
    scale: logY ? { type: 'log' as const } : { zero: axes.y.zero },
  };
  const colour = {
    field: 'series',
    type: 'nominal' as const,
    scale: { domain: [...series], range: [...colours] },
    // Solid symbols: the legend is shared with the faint bands and would take their opacity.
    legend: series.length > 1 ? { symbolOpacity: 1 } : null,
  };
  const size = axes.size ?? CHART_SIZE;
  const pointsPerSeries = plotted.length / Math.max(series.length, 1);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    ...size,
    data: { values: [...plotted] },
    layer: [
      {
        // On a log axis a band reaching zero or below has no bottom edge to draw.
        transform: [{ filter: logY ? 'isValid(datum.low) && datum.low > 0' : 'isValid(datum.low)' }],
        mark: { type: 'area', opacity: 0.18 },
        encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' }, color: colour },
      },
      {
        mark: { type: 'line', point: pointsPerSeries <= MAX_MARKED_POINTS ? { size: 22 } : false },
        encoding: { x, y: { ...y, field: 'y' }, color: colour },
      },
      ...(axes.rule === undefined ? [] : ruleLayers(axes.rule)),
    ],
  };
}

/**
 * Axis labels in `format`. SI labels are formatted one by one, so that zero reads `0` rather
 * than taking the prefix of its neighbours (`0M`).
 */
function axisFormat(format: string): { format: string } | { labelExpr: string } {
  return format.endsWith('s') ? { labelExpr: `format(datum.value, '${format}')` } : { format };
}

/** Labels only at powers of ten, the other ticks left as unlabelled grid lines, as log plots are read. */
function powersOfTen(format: string): { labelExpr: string } {
  const exponent = 'log(datum.value) / LN10';
  return { labelExpr: `abs(${exponent} - round(${exponent})) < 1e-9 ? format(datum.value, '${format}') : ''` };
}

/** Whether the values cover at least one power of ten, so a power-of-ten label is sure to show. */
function spansDecades(values: readonly number[]): boolean {
  return values.length > 0 && largest(values) >= 10 * smallest(values);
}

function ruleLayers(rule: { y: number; text: string }) {
  const style = { color: '#6b6b6b' };
  // One datum, or the rule would be drawn once per row of the chart's data.
  const once = { values: [{}] };
  return [
    { data: once, mark: { type: 'rule' as const, strokeDash: [5, 4], ...style }, encoding: { y: { datum: rule.y } } },
    {
      data: once,
      mark: {
        type: 'text' as const,
        align: 'left' as const,
        baseline: 'bottom' as const,
        dy: -3,
        fontSize: 10,
        ...style,
      },
      encoding: { y: { datum: rule.y }, x: { value: 4 }, text: { value: rule.text } },
    },
  ];
}
