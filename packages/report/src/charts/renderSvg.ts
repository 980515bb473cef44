import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { helveticaWidth } from './helveticaWidth.js';

/** Vega's text measurement hook (from vega-scenegraph); vega's typings leave it out. */
const { textMetrics } = vega as unknown as {
  textMetrics: { width: (item: { fontSize?: number }, text: unknown) => number };
};

/**
 * Renders a Vega-Lite chart to an SVG string, in Node: the SVG renderer needs no browser or
 * canvas. Text is measured with the charts' font metrics for the render, then vega's own
 * measurement is put back. Renders must not overlap, since the hook is global.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const vegaWidth = textMetrics.width;
  textMetrics.width = helveticaWidth;
  try {
    return await view.toSVG();
  } finally {
    textMetrics.width = vegaWidth;
    view.finalize();
  }
}
