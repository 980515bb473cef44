import type { LedgerRow } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import { renderCharts, summariseRuns, summaryTable, type RunRecord } from '../src/index.js';
import { ledgerRows, resolvedExperiment } from './fixtures.js';

/** Two rounds, evaluated in the second only; 10 uploads of 100 bytes a round. */
function rows(): LedgerRow[] {
  return ledgerRows({ rounds: 2, accuracy: (round) => (round === 1 ? 0.6 : null), uplinkBytes: () => 1000 });
}

/**
 * A next-byte run as a text plugin writes it: perplexity on its evaluated round, the values it
 * sent (250 a round: 32 bits per value), and a downlink that shrinks by `seed` bytes a round.
 */
function nextByteRun(seed: number): RunRecord {
  const ledger = rows().map((row) => ({
    ...row,
    uplinkValues: 250,
    downlinkBytes: 500 - seed * row.round,
    trainLoss: seed + row.round,
    ...(row.testAccuracy === null ? {} : { testLoss: 2 * seed, testPerplexity: 10 * seed }),
  }));
  return run('next-byte', seed, ledger);
}

/** A run whose ledger has none of the optional fields: no losses, nothing sent down, no values or perplexity. */
function bareRun(seed: number): RunRecord {
  const ledger = rows().map((row) => ({ ...row, trainLoss: null, testLoss: null, downlinkBytes: 0 }));
  return run('bare', seed, ledger);
}

function run(label: string, seed: number, ledger: LedgerRow[]): RunRecord {
  const experiment = resolvedExperiment({ name: label, label, seed }) as RunRecord['experiment'];
  return { dir: `${label}/seed-${seed}`, experiment, ledger, summary: null, plannedRounds: 2, warnings: [] };
}

/** The points a line chart drew, as `series@round=value`, from the SVG's accessible labels. */
function plotted(svg: string): string[] {
  return [
    ...svg.matchAll(
      /aria-label="round: (\d+); [^:]+: ([^;]+); series: ([^"]+)" role="graphics-symbol" aria-roledescription="point"/g,
    ),
  ].map(([, round, value, series]) => `${series}@${round}=${value}`);
}

const FIELD_CHARTS = [
  'test-loss-by-round',
  'train-loss-by-round',
  'perplexity-by-round',
  'bits-per-value-by-round',
  'downlink-per-round',
];

const labels = { labels: 'experiment' } as const;

describe('charts of the ledger fields some runs lack', () => {
  it('draws test and training loss, perplexity, bits per value and downlink by round, as means over seeds', async () => {
    const charts = await renderCharts([nextByteRun(1), nextByteRun(3)], labels);
    const svg = (id: string) => charts.find((chart) => chart.id === id)?.svg ?? '';
    expect(charts.map((chart) => chart.id).filter((id) => FIELD_CHARTS.includes(id))).toEqual(FIELD_CHARTS);
    // Test loss and perplexity on the evaluated round only; seeds 1 and 3 average to 2.
    expect(plotted(svg('test-loss-by-round'))).toEqual(['next-byte@2=4']);
    expect(plotted(svg('perplexity-by-round'))).toEqual(['next-byte@2=20']);
    expect(plotted(svg('train-loss-by-round'))).toEqual(['next-byte@1=2', 'next-byte@2=3']);
    // 8 × 1000 bytes over 250 values.
    expect(plotted(svg('bits-per-value-by-round'))).toEqual(['next-byte@1=32', 'next-byte@2=32']);
    // 500 bytes, then 500 − 2 (the mean of 1 and 3) bytes.
    expect(plotted(svg('downlink-per-round'))).toEqual(['next-byte@1=4000', 'next-byte@2=3984']);
  });

  it('draws only the groups that have a field, and none of the charts when no group has it', async () => {
    const mixed = await renderCharts([nextByteRun(1), bareRun(1)], labels);
    const svg = (id: string) => mixed.find((chart) => chart.id === id)?.svg ?? '';
    for (const id of FIELD_CHARTS.filter((id) => id !== 'downlink-per-round')) {
      const series = plotted(svg(id)).map((point) => point.split('@')[0]);
      expect(new Set(series), id).toEqual(new Set(['next-byte']));
    }
    // Every ledger has a downlink: a group that sent nothing down is drawn at zero beside one that did.
    expect(plotted(svg('downlink-per-round'))).toEqual([
      'next-byte@1=4000',
      'next-byte@2=3992',
      'bare@1=0',
      'bare@2=0',
    ]);
    const bare = await renderCharts([bareRun(1), bareRun(2)], labels);
    expect(bare.map((chart) => chart.id)).toEqual([
      'accuracy-by-round',
      'accuracy-by-uplink',
      'uplink-per-round',
      'participation',
    ]);
  });

  it('draws perplexity and downlink on a log axis with logY, and keeps the losses and bits per value linear', async () => {
    const charts = await renderCharts([nextByteRun(1)], { logY: true });
    const titled = (id: string) => charts.find((chart) => chart.id === id)?.svg.includes('(log scale)');
    expect(FIELD_CHARTS.map(titled)).toEqual([false, false, true, false, true]);
  });
});

describe('table columns of the ledger fields some runs lack', () => {
  it('shows test and training loss where a group has them, – for a group without', () => {
    const table = summaryTable(summariseRuns([nextByteRun(1), nextByteRun(3), bareRun(1)], labels));
    const column = (title: string) => table.rows.map((row) => row[table.header.indexOf(title)]);
    expect(column('test loss')).toEqual(['4.000 ± 2.828', '–']);
    expect(column('train loss')).toEqual(['3.000 ± 1.414', '–']);
    expect(column('final ppl')).toEqual(['20.00 ± 14.14', '–']);
  });

  it('leaves the loss and perplexity columns out when no group has them', () => {
    const { header } = summaryTable(summariseRuns([bareRun(1), bareRun(2)], labels));
    for (const title of ['test loss', 'train loss', 'final ppl']) expect(header).not.toContain(title);
    expect(header).toContain('downlink MB');
  });
});
