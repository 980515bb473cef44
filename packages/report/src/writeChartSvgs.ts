import { join } from 'node:path';
import { createFolder, writeFileAtomicSync } from '@fedtune/core/files';
import type { RenderedChart } from './charts/renderCharts.js';

/**
 * Writes each chart to `<dir>/<id>.svg` (creating `dir`), for papers and slides; returns the files.
 * @throws FedtuneError naming the file and the cause when the disk is full; ConfigError when `dir`
 *   is read-only, not writable or under a file.
 */
export function writeChartSvgs(dir: string, charts: readonly RenderedChart[]): string[] {
  createFolder(dir);
  return charts.map((chart) => {
    const file = join(dir, `${chart.id}.svg`);
    writeFileAtomicSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n${chart.svg}\n`);
    return file;
  });
}
