import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, discoverRuns, groupRuns } from '../src/index.js';
import { writeStudy } from './study.js';

/** Debian's Chromium, as CI installs it (apt package `chromium`). */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(import.meta.dirname, '..', 'test-results', 'report.png');

const folder = mkdtempSync(join(tmpdir(), 'fedtune-report-browser-'));
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const requests: string[] = [];
let labels: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  const { runs, skipped } = discoverRuns(writeStudy(join(folder, 'results')));
  labels = groupRuns(runs).map((group) => group.label);
  const reportFile = join(folder, 'report.html');
  writeFileSync(reportFile, await buildReport(runs, { target: 0.75, skipped, title: 'Compression study' }));

  context = await chromium.launchPersistentContext(join(folder, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1280, height: 900 },
  });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) requests.push(request.url());
  });
  await page.goto(pathToFileURL(reportFile).href, { waitUntil: 'load' });
}, 60_000);

afterAll(async () => {
  await context?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Counts of the chart's SVG marks by their ARIA role description, and its legend and header texts. */
async function chartContents(id: string) {
  return page.locator(`figure[data-chart="${id}"] svg`).evaluate((svg) => {
    const count = (role: string) => svg.querySelectorAll(`[aria-roledescription="${role}"]`).length;
    const box = svg.getBoundingClientRect();
    return {
      width: box.width,
      height: box.height,
      lines: count('line mark'),
      bands: count('area mark'),
      bars: count('bar'),
      rules: count('rule mark container'),
      texts: [...svg.querySelectorAll('text')].map((text) => text.textContent ?? ''),
    };
  });
}

describe('the report in headless Chromium', () => {
  it('shows every group in the summary table, with ± over seeds and the skipped folder named', async () => {
    const rows = await page.locator('table.summary tbody tr').allInnerTexts();
    expect(rows).toHaveLength(3);
    for (const [index, label] of labels.entries()) expect(rows[index]).toContain(label);
    expect(rows.every((row) => row.includes('±'))).toBe(true);
    expect(await page.locator('ul.skipped').innerText()).toContain('damaged');
  });

  it('draws one line and one seed band per group on each line chart, with the target on the accuracy charts', async () => {
    for (const id of ['accuracy-by-round', 'accuracy-by-uplink', 'uplink-per-round']) {
      const chart = await chartContents(id);
      expect(chart.width, id).toBeGreaterThan(300);
      expect(chart.height, id).toBeGreaterThan(200);
      expect(chart.lines, id).toBe(3);
      expect(chart.bands, id).toBe(3);
      expect(chart.rules, id).toBe(id.startsWith('accuracy') ? 1 : 0);
      for (const label of labels) expect(chart.texts, id).toContain(label);
    }
    expect((await chartContents('accuracy-by-uplink')).texts).toContain('cumulative uplink bits (log scale)');
  });

  it('draws participation as stacked bars in one panel per group', async () => {
    const chart = await chartContents('participation');
    // 20 rounds × 3 outcomes × 3 groups.
    expect(chart.bars).toBe(180);
    for (const text of [...labels, 'uploaded, arrived', 'uploaded, lost', 'skipped'])
      expect(chart.texts).toContain(text);
  });

  it('raised no console error, fetched nothing and fits the window without sideways scrolling', async () => {
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    const overflow = await page.locator('html').evaluate((root) => root.scrollWidth - root.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
