import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, discoverRuns, renderCharts, writeChartSvgs, type DiscoveredRuns } from '../src/index.js';
import { ledgerRows, resolvedExperiment, writeRun } from './fixtures.js';
import { writeStudy } from './study.js';

const root = mkdtempSync(join(tmpdir(), 'fedtune-report-build-'));
let study: DiscoveredRuns;
let html: string;

beforeAll(async () => {
  study = discoverRuns(writeStudy(root));
  html = await buildReport(study.runs, {
    target: 0.75,
    skipped: study.skipped,
    generatedAt: new Date('2025-03-04T05:06:07Z'),
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('buildReport', () => {
  it('is one page that fetches nothing: no scripts, no links, no external resources, fetching forbidden', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    );
    for (const pattern of [/<script/i, /<link/i, /\ssrc=/i, /\shref=/i, /url\(/i, /@import/i])
      expect(html).not.toMatch(pattern);
    // The only URLs are SVG namespace names, which are never fetched.
    const urls = html.match(/https?:\/\/[^"'\s)]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']));
  });

  it('holds the summary, one figure per chart, every run with its warnings, and the folders left out', () => {
    // The four every run has, and test loss, training loss and downlink by round, which the study's ledgers hold.
    expect(html.match(/<figure /g)).toHaveLength(7);
    expect(html.match(/<svg /g)).toHaveLength(7);
    expect(html).toContain('9 runs in 3 configurations · target accuracy 75% · generated 2025-03-04 05:06 UTC');
    // Rows and legends name each configuration by the label its experiment file sets.
    expect(html).toContain('<span class="label">qsgd-4 lossy</span>');
    expect(html).toMatch(/<svg [^]*>qsgd-4 lossy<\/text>/);
    expect(html).toContain('cut short: finished 14 of 20 rounds');
    expect(html).toMatch(/<code>[^<]*damaged<\/code>: experiment\.json is not valid JSON/);
    expect(html).toContain('<dt>data.partition</dt><dd>dirichlet(alpha=0.5)</dd>');
  });

  it('escapes what comes from the folders', async () => {
    const dir = writeRun(join(root, 'odd'), {
      experiment: resolvedExperiment({ name: '<b>x</b> & "y"', label: undefined }),
      rows: ledgerRows({ rounds: 2, accuracy: () => 0.5, uplinkBytes: () => 10 }),
    });
    const page = await buildReport(discoverRuns([dir]).runs);
    expect(page).toContain('<title>fedtune report: &lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;</title>');
    expect(page).not.toContain('<b>x</b>');
  });

  it('refuses to build a report of no runs', async () => {
    await expect(buildReport([])).rejects.toThrow(RangeError);
  });
});

describe('charts', () => {
  it('are sized by the real width of their text, so long labels do not shrink the plot', async () => {
    const charts = await renderCharts(study.runs, { target: 0.75 });
    const widths = Object.fromEntries(charts.map((chart) => [chart.id, Number(/width="(\d+)"/.exec(chart.svg)?.[1])]));
    // 420 px of plot, plus axes and padding; vega's own 0.8 em guess made the legend 660 px wide.
    expect(widths['accuracy-by-round']).toBeLessThan(520);
    expect(widths['accuracy-by-uplink']).toBeLessThan(520);
  });

  it('are written as SVG files named by chart', async () => {
    const dir = join(root, 'figures');
    const files = writeChartSvgs(dir, await renderCharts(study.runs));
    expect(readdirSync(dir).sort()).toEqual([
      'accuracy-by-round.svg',
      'accuracy-by-uplink.svg',
      'downlink-per-round.svg',
      'participation.svg',
      'test-loss-by-round.svg',
      'train-loss-by-round.svg',
      'uplink-per-round.svg',
    ]);
    for (const file of files)
      expect(readFileSync(file, 'utf8')).toMatch(
        /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
      );
  });
});
