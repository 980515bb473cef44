import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RenderedChart } from './charts/renderCharts.js';

/** Writes each chart to `<dir>/<id>.svg` (creating `dir`), for papers and slides; returns the files. */
export function writeChartSvgs(dir: string, charts: readonly RenderedChart[]): string[] {
  mkdirSync(dir, { recursive: true });
  return charts.map((chart) => {
    const file = join(dir, `${chart.id}.svg`);
    writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n${chart.svg}\n`);
    return file;
  });
}
