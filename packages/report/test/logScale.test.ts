import { describe, expect, it } from 'vitest';
import { renderCharts, type RunRecord } from '../src/index.js';
import { ledgerRows, resolvedExperiment } from './fixtures.js';

/** A run whose uplink grows tenfold a round, from 80 to 800 000 bits, after `silent` rounds that sent nothing. */
function growingRun(silent = 0): RunRecord {
  const experiment = resolvedExperiment() as RunRecord['experiment'];
  const uplinkBytes = (round: number) => (round < silent ? 0 : 10 ** (round - silent + 1));
  const ledger = ledgerRows({ rounds: 5 + silent, accuracy: () => 0.5, uplinkBytes });
  return { dir: 'growing', experiment, ledger, summary: null, plannedRounds: ledger.length, warnings: [] };
}

/** The tick labels of the chart's y axis, as drawn. */
function yTickLabels(svg: string): string[] {
  const axis = /aria-label="Y-axis[^"]*"[^]*?role-axis-label[^>]*>([^]*?)<\/g>/.exec(svg)?.[1] ?? '';
  return [...axis.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1] ?? '').filter((text) => text !== '');
}

async function uplinkChart(logY?: boolean, silent = 0): Promise<string> {
  const charts = await renderCharts([growingRun(silent)], logY === undefined ? {} : { logY });
  return charts.find((chart) => chart.id === 'uplink-per-round')?.svg ?? '';
}

describe('--log-y', () => {
  it('draws the uplink by round on a log axis labelled at powers of ten', async () => {
    const svg = await uplinkChart(true);
    expect(svg).toContain('uplink bits in the round (log scale)');
    expect(yTickLabels(svg)).toEqual(['10', '100', '1k', '10k', '100k', '1M']);
  });

  it('leaves out rounds that sent nothing, which a log axis cannot place', async () => {
    const svg = await uplinkChart(true, 2);
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(yTickLabels(svg)).toEqual(['10', '100', '1k', '10k', '100k', '1M']);
  });

  it('keeps a linear axis without it', async () => {
    const svg = await uplinkChart();
    expect(svg).not.toContain('(log scale)');
    const labels = yTickLabels(svg);
    expect(labels[0]).toBe('0');
    expect(labels).toContain('400k');
  });
});
