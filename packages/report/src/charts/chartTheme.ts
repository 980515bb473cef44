import type { Config } from 'vega-lite';

/**
 * Colours of the run groups, in order: Tableau 10, which stays distinguishable in print and for
 * the common forms of colour blindness.
 */
export const SERIES_COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;

/** The colour of the group at `index`; the palette repeats past ten groups. */
export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length] ?? SERIES_COLOURS[0];
}

/** Fonts every viewer has, so a chart looks the same inline, as an SVG file and in print. */
export const CHART_FONT = 'Helvetica Neue, Helvetica, Arial, sans-serif';

/** Plot area of a chart in the report's two-column grid, in pixels. */
export const CHART_SIZE = { width: 420, height: 240 } as const;

/** Plot area of a chart that takes a whole row of the grid. */
export const WIDE_CHART_SIZE = { width: 900, height: 180 } as const;

/** The look shared by every chart. */
export const CHART_CONFIG: Config = {
  font: CHART_FONT,
  background: 'white',
  padding: 8,
  view: { stroke: null },
  axis: {
    labelColor: '#4a4a4a',
    labelFontSize: 11,
    titleColor: '#222222',
    titleFontSize: 12,
    titleFontWeight: 'normal',
    titlePadding: 10,
    gridColor: '#ececec',
    domainColor: '#9a9a9a',
    tickColor: '#9a9a9a',
  },
  legend: {
    orient: 'bottom',
    direction: 'vertical',
    labelFontSize: 11,
    labelColor: '#333333',
    labelLimit: 0,
    symbolStrokeWidth: 2.5,
    title: null,
  },
  header: { labelFontSize: 12, labelColor: '#222222', labelLimit: 0 },
  line: { strokeWidth: 2 },
};
