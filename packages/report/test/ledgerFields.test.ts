import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerRow } from '@fedtune/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildReport,
  readRun,
  renderCharts,
  summariseRuns,
  summaryCsv,
  summarySections,
  type RunGroupSummary,
  type RunRecord,
  type SummarySection,
} from '../src/index.js';
import { ledgerRows, resolvedExperiment, writeRun } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'fedtune-report-fields-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TASKS = [{ name: 'classes' }, { name: 'rotated', rotate: 90 }];

/** What a multi-task run with a per-slot aggregator and a metrics adapter adds to an evaluated round. */
interface Evaluated {
  taskAccuracy: number[];
  majorityAdapterTaskAccuracy: number[];
  clustering: { accuracy: number; adjustedRandIndex: number };
  metrics: Record<string, number>;
}

/**
 * Three rounds, evaluated at rounds 0 and 2 (so round 1 carries none of the evaluation fields);
 * 9 uploads of 1000 bytes and 2000 values a round, one skipped, `lost` lost, one update rejected
 * in round 1. `first` and `last` are the evaluation fields of rounds 0 and 2.
 */
function multiTaskRows(first: Evaluated, last: Evaluated, lost: number): LedgerRow[] {
  return ledgerRows({
    rounds: 3,
    accuracy: (round) => (round === 1 ? null : 0.5 + 0.1 * round),
    uplinkBytes: () => 9000,
    skipped: () => 1,
    lost: () => lost,
  }).map((row) => ({
    ...row,
    rejected: row.round === 1 ? 1 : 0,
    uplinkValues: 18_000,
    ...(row.round === 0 ? first : row.round === 2 ? last : {}),
  }));
}

const early: Evaluated = {
  taskAccuracy: [0.1, 0.2],
  majorityAdapterTaskAccuracy: [0.3, 0.2],
  clustering: { accuracy: 0.2, adjustedRandIndex: -0.1 },
  metrics: { effectiveRank: 1, 'fc1.sigma1': 0.5 },
};

/** A run of `multiTaskRows`; `tasks: null` leaves the tasks unnamed, as text datasets do. */
function multiTaskRun(seed: number, last: Evaluated, lost: number, tasks: object[] | null = TASKS): RunRecord {
  const experiment = resolvedExperiment({
    seed,
    label: 'TAC',
    data: { ...(resolvedExperiment().data as object), ...(tasks === null ? {} : { tasks }) },
  }) as RunRecord['experiment'];
  return {
    dir: `tac/seed-${seed}`,
    experiment,
    ledger: multiTaskRows(early, last, lost),
    summary: null,
    plannedRounds: 3,
    warnings: [],
  };
}

// Final values: tasks 0.6/0.8 and 0.7/0.9 (means 0.65 and 0.85, std 0.1/√2); clustering accuracy
// 1 and 0.5 (mean 0.75, std 0.5/√2), ARI 1 and 0 (mean 0.5, std 1/√2); effective rank 3.5 and
// 3.7 (mean 3.6, std 0.2/√2); fc1.sigma1 2 and 4 (mean 3, std √2).
const tacRuns = [
  multiTaskRun(
    1,
    {
      taskAccuracy: [0.6, 0.8],
      majorityAdapterTaskAccuracy: [0.7, 0.8],
      clustering: { accuracy: 1, adjustedRandIndex: 1 },
      metrics: { effectiveRank: 3.5, 'fc1.sigma1': 2 },
    },
    0,
  ),
  multiTaskRun(
    2,
    {
      taskAccuracy: [0.7, 0.9],
      majorityAdapterTaskAccuracy: [0.9, 0.9],
      clustering: { accuracy: 0.5, adjustedRandIndex: 0 },
      metrics: { effectiveRank: 3.7, 'fc1.sigma1': 4 },
    },
    2,
  ),
];

/** A run whose ledger has none of the optional fields, as a single-task run of an older version writes. */
function plainRun(seed: number): RunRecord {
  const experiment = resolvedExperiment({ seed }) as RunRecord['experiment'];
  const ledger = ledgerRows({ rounds: 2, accuracy: (round) => 0.6 + 0.1 * round, uplinkBytes: () => 500 });
  return { dir: `plain/seed-${seed}`, experiment, ledger, summary: null, plannedRounds: 2, warnings: [] };
}

/** A section's rows as `header → cell` records. */
function rowsOf(sections: readonly SummarySection[], id: string): Record<string, string>[] {
  const section = sections.find((candidate) => candidate.id === id);
  if (section === undefined) throw new Error(`no ${id} section`);
  return section.table.rows.map((cells) =>
    Object.fromEntries(section.table.header.map((title, column) => [title, cells[column] ?? ''])),
  );
}

function only(summaries: RunGroupSummary[]): RunGroupSummary {
  const [summary, ...others] = summaries;
  if (summary === undefined || others.length > 0) throw new Error(`expected one group, got ${summaries.length}`);
  return summary;
}

describe('reading the optional ledger fields', () => {
  it('keeps per-task accuracy, clustering, adapter metrics, perplexity and values sent', () => {
    const rows = multiTaskRows(early, early, 0).map((row) => ({ ...row, testPerplexity: 3.5 }));
    const result = readRun(writeRun(join(root, 'full'), { experiment: resolvedExperiment(), rows }));
    if (!result.ok) throw new Error(result.skipped.reason);
    const [first, second] = result.run.ledger;
    expect(first?.taskAccuracy).toEqual([0.1, 0.2]);
    expect(first?.majorityAdapterTaskAccuracy).toEqual([0.3, 0.2]);
    expect(first?.clustering).toEqual({ accuracy: 0.2, adjustedRandIndex: -0.1 });
    expect(first?.metrics).toEqual({ effectiveRank: 1, 'fc1.sigma1': 0.5 });
    expect(first?.testPerplexity).toBe(3.5);
    expect(first?.uplinkValues).toBe(18_000);
    expect(second?.taskAccuracy).toBeUndefined();
  });

  it('keeps the test subset size of rounds evaluated on the subset, and reads the unevaluated rounds between', () => {
    // Evaluated every second round on a 500-example subset, the last round on the full set.
    const rows = ledgerRows({ rounds: 5, accuracy: (round) => (round % 2 === 1 || round === 4 ? 0.5 + 0.1 * round : null), uplinkBytes: () => 500 })
      .map((row) => (row.testAccuracy !== null && row.round < 4 ? { ...row, testSubsetExamples: 500 } : row));
    const result = readRun(writeRun(join(root, 'subset'), { experiment: resolvedExperiment(), rows }));
    if (!result.ok) throw new Error(result.skipped.reason);
    expect(result.run.ledger.map((row) => row.testSubsetExamples)).toEqual([undefined, 500, undefined, 500, undefined]);
    const [summary] = summariseRuns([result.run]);
    expect(summary?.finalAccuracy?.mean).toBeCloseTo(0.9);
  });

  it('reads a ledger without any of them', () => {
    const rows = plainRun(1).ledger;
    const result = readRun(writeRun(join(root, 'plain'), { experiment: resolvedExperiment(), rows }));
    expect(result.ok && result.run.ledger).toEqual(rows);
  });

  it.each([
    ['a task accuracy above 1', { taskAccuracy: [0.5, 1.2] }, /^taskAccuracy\.1: /],
    ['no task accuracy at all', { taskAccuracy: [] }, /^taskAccuracy: /],
    ['a majority-adapter accuracy below 0', { majorityAdapterTaskAccuracy: [-0.1] }, /^majorityAdapterTaskAccuracy\.0: /],
    ['a clustering without its Rand index', { clustering: { accuracy: 1 } }, /^clustering\.adjustedRandIndex: /],
    [
      'an adjusted Rand index below −1',
      { clustering: { accuracy: 1, adjustedRandIndex: -2 } },
      /^clustering\.adjustedRandIndex: /,
    ],
    ['a metric that is not a number', { metrics: { effectiveRank: '3' } }, /^metrics\.effectiveRank: /],
    ['a fractional count of values sent', { uplinkValues: 1.5 }, /^uplinkValues: /],
    ['a test subset of no examples', { testSubsetExamples: 0 }, /^testSubsetExamples: /],
  ])('skips a ledger whose row has %s, naming the field', (name, change, field) => {
    const rows = ledgerRows({ rounds: 3, accuracy: () => 0.5, uplinkBytes: () => 500 });
    const damaged = rows.map((row) => (row.round === 1 ? { ...row, ...change } : row)) as LedgerRow[];
    const result = readRun(writeRun(join(root, name), { experiment: resolvedExperiment(), rows: damaged }));
    if (result.ok) throw new Error('expected the run to be skipped');
    expect(result.skipped.reason).toMatch(/^ledger\.jsonl line 2 is not a ledger row \(/);
    expect(result.skipped.reason.slice('ledger.jsonl line 2 is not a ledger row ('.length)).toMatch(field);
  });
});

describe('summaries of the optional ledger fields over seeds', () => {
  const summary = only(summariseRuns(tacRuns));

  it('takes per-task accuracy at the last evaluation, named by the experiment’s tasks', () => {
    expect(summary.finalTaskAccuracy.map((entry) => entry.task)).toEqual(['classes', 'rotated']);
    const [classes, rotated] = summary.finalTaskAccuracy;
    expect(classes?.accuracy.mean).toBeCloseTo(0.65, 12);
    expect(classes?.accuracy.std).toBeCloseTo(0.1 / Math.SQRT2, 12);
    expect(rotated?.accuracy.mean).toBeCloseTo(0.85, 12);
    expect(rotated?.accuracy.n).toBe(2);
  });

  it('takes the majority adapter\'s per-task accuracy at the last evaluation, apart from the client-averaged one', () => {
    const [classes, rotated] = summary.finalMajorityAdapterTaskAccuracy;
    expect(classes?.task).toBe('classes');
    expect(classes?.accuracy.mean).toBeCloseTo(0.8, 12);
    expect(classes?.accuracy.std).toBeCloseTo(0.2 / Math.SQRT2, 12);
    expect(rotated?.accuracy.mean).toBeCloseTo(0.85, 12);
  });

  it('names tasks by their position where the experiment does not name them', () => {
    const unnamed = only(summariseRuns([multiTaskRun(1, early, 0, null)]));
    expect(unnamed.finalTaskAccuracy.map((entry) => [entry.task, entry.accuracy.mean])).toEqual([
      ['task 1', 0.1],
      ['task 2', 0.2],
    ]);
  });

  it('takes clustering accuracy and adjusted Rand index at the last evaluation', () => {
    expect(summary.finalClustering?.accuracy.mean).toBeCloseTo(0.75, 12);
    expect(summary.finalClustering?.accuracy.std).toBeCloseTo(0.5 / Math.SQRT2, 12);
    expect(summary.finalClustering?.adjustedRandIndex.mean).toBeCloseTo(0.5, 12);
    expect(summary.finalClustering?.adjustedRandIndex.std).toBeCloseTo(1 / Math.SQRT2, 12);
  });

  it('takes every adapter metric at the last evaluation, in the order the ledger has them', () => {
    expect(summary.finalAdapterMetrics.map((metric) => metric.name)).toEqual(['effectiveRank', 'fc1.sigma1']);
    const [rank, sigma] = summary.finalAdapterMetrics;
    expect(rank?.value.mean).toBeCloseTo(3.6, 12);
    expect(rank?.value.std).toBeCloseTo(0.2 / Math.SQRT2, 12);
    expect(sigma?.value.mean).toBeCloseTo(3, 12);
    expect(sigma?.value.std).toBeCloseTo(Math.SQRT2, 12);
  });

  it('keeps only the adapter metrics asked for, and refuses one no run reports', () => {
    const chosen = only(summariseRuns(tacRuns, { adapterMetrics: ['fc1.sigma1'] }));
    expect(chosen.finalAdapterMetrics.map((metric) => metric.name)).toEqual(['fc1.sigma1']);
    expect(() => summariseRuns(tacRuns, { adapterMetrics: ['efectiveRank'] })).toThrow(
      'no run reports the adapter metric "efectiveRank"; they report effectiveRank, fc1.sigma1',
    );
    expect(() => summariseRuns([plainRun(1)], { adapterMetrics: ['effectiveRank'] })).toThrow(
      'no run reports the adapter metric "effectiveRank"; these runs report none',
    );
  });

  it('falls back to the last evaluation that has a field when the run stopped after an unevaluated round', () => {
    const [first] = tacRuns;
    if (first === undefined) throw new Error('no run');
    const cut = only(summariseRuns([{ ...first, ledger: first.ledger.slice(0, 2) }]));
    expect(cut.finalTaskAccuracy.map((entry) => entry.accuracy.mean)).toEqual([0.1, 0.2]);
    expect(cut.finalClustering?.adjustedRandIndex.mean).toBe(-0.1);
    expect(cut.finalAdapterMetrics.map((metric) => metric.value.mean)).toEqual([1, 0.5]);
    // Test loss is that of the last evaluation (round 0), training loss that of the last round (1).
    expect(cut.finalTestLoss?.mean).toBeCloseTo(0.5, 12);
    expect(cut.finalTrainLoss?.mean).toBeCloseTo(0.5, 12);
  });

  it('totals uploads sent, skipped, lost and rejected per run, and the bits per value sent', () => {
    // 3 rounds × 9 uploads; 1 skipped a round; seed 2 lost 2 a round; one rejection each.
    expect(summary.uploadsSent).toEqual({ mean: 27, std: 0, n: 2 });
    expect(summary.uploadsSkipped).toEqual({ mean: 3, std: 0, n: 2 });
    expect(summary.uploadsLost.mean).toBe(3);
    expect(summary.uploadsLost.std).toBeCloseTo(6 / Math.SQRT2, 12);
    expect(summary.updatesRejected).toEqual({ mean: 1, std: 0, n: 2 });
    // 8 bits × 9000 bytes over 18,000 values, every round.
    expect(summary.bitsPerValue?.mean).toBe(4);
    // 3 rounds × 9000 bytes over 27 uploads.
    expect(summary.uplinkBytesPerUpload).toEqual({ mean: 1000, std: 0, n: 2 });
  });

  it('gives uplink bytes per upload only for runs that sent one', () => {
    const [first] = tacRuns;
    if (first === undefined) throw new Error('no run');
    const silent = first.ledger.map((row) => ({ ...row, uploaded: 0, uplinkBytes: 0 }));
    expect(only(summariseRuns([{ ...first, ledger: silent }])).uplinkBytesPerUpload).toBeNull();
  });

  it('leaves out what a ledger without the optional fields cannot say', () => {
    const plain = only(summariseRuns([plainRun(1), plainRun(2)]));
    expect(plain.finalTaskAccuracy).toEqual([]);
    expect(plain.finalMajorityAdapterTaskAccuracy).toEqual([]);
    expect(plain.finalClustering).toBeNull();
    expect(plain.finalAdapterMetrics).toEqual([]);
    expect(plain.finalPerplexity).toBeNull();
    expect(plain.bitsPerValue).toBeNull();
    expect(plain.uploadsSent).toEqual({ mean: 20, std: 0, n: 2 });
  });
});

describe('the tables of the optional ledger fields', () => {
  const mixed = summarySections(summariseRuns([...tacRuns, plainRun(1), plainRun(2)]));

  it('shows per-task accuracy, clustering and adapter metrics as mean ± std, – for groups without them', () => {
    expect(mixed.map((section) => section.id)).toEqual([
      'summary',
      'tasks',
      'majority-adapter',
      'clustering',
      'adapter-metrics',
      'uploads',
    ]);
    const [tac, plain] = rowsOf(mixed, 'tasks');
    expect(tac).toMatchObject({ classes: '65.00% ± 7.07%', rotated: '85.00% ± 7.07%' });
    expect(plain).toMatchObject({ classes: '–', rotated: '–' });
    expect(rowsOf(mixed, 'majority-adapter')).toEqual([
      { run: tac?.run, classes: '80.00% ± 14.14%', rotated: '85.00% ± 7.07%' },
      { run: plain?.run, classes: '–', rotated: '–' },
    ]);
    expect(rowsOf(mixed, 'clustering')).toEqual([
      { run: tac?.run, 'clustering acc': '75.00% ± 35.36%', 'adjusted Rand index': '0.50 ± 0.71' },
      { run: plain?.run, 'clustering acc': '–', 'adjusted Rand index': '–' },
    ]);
    expect(rowsOf(mixed, 'adapter-metrics')).toEqual([
      { run: tac?.run, effectiveRank: '3.60 ± 0.14', 'fc1.sigma1': '3.00 ± 1.41' },
      { run: plain?.run, effectiveRank: '–', 'fc1.sigma1': '–' },
    ]);
  });

  it('shows the uploads of every group, and bits per value where the ledger records values sent', () => {
    const [tac, plain] = rowsOf(mixed, 'uploads');
    expect(tac).toMatchObject({ 'uploads sent': '27 ± 0', skipped: '3 ± 0', lost: '3 ± 4.2', rejected: '1 ± 0' });
    expect(tac?.['bits per value']).toBe('4.00 ± 0.00');
    expect(plain?.['bits per value']).toBe('–');
  });

  it('has only the main table and the uploads for runs without the optional fields', () => {
    const plain = summarySections(summariseRuns([plainRun(1)]));
    expect(plain.map((section) => section.id)).toEqual(['summary', 'uploads']);
  });

  it('adds a pair of CSV columns per task, adapter metric and majority-adapter task, empty for groups without them', () => {
    // Labelled by the experiments, so that no label holds a comma and the lines split on commas.
    const summaries = summariseRuns([...tacRuns, plainRun(1)], { labels: 'experiment' });
    const [header = '', tac = '', plain = ''] = summaryCsv(summaries).split('\n');
    const columns = header.split(',');
    const cell = (line: string, name: string) => line.split(',')[columns.indexOf(name)];
    expect(columns.slice(-12)).toEqual([
      'task_accuracy_classes_mean',
      'task_accuracy_classes_std',
      'task_accuracy_rotated_mean',
      'task_accuracy_rotated_std',
      'metric_effectiveRank_mean',
      'metric_effectiveRank_std',
      'metric_fc1.sigma1_mean',
      'metric_fc1.sigma1_std',
      'majority_adapter_accuracy_classes_mean',
      'majority_adapter_accuracy_classes_std',
      'majority_adapter_accuracy_rotated_mean',
      'majority_adapter_accuracy_rotated_std',
    ]);
    expect(Number(cell(tac, 'majority_adapter_accuracy_classes_mean'))).toBeCloseTo(0.8, 12);
    expect(Number(cell(tac, 'task_accuracy_rotated_mean'))).toBeCloseTo(0.85, 12);
    expect(Number(cell(tac, 'adjusted_rand_index_mean'))).toBeCloseTo(0.5, 12);
    expect(Number(cell(tac, 'metric_fc1.sigma1_std'))).toBeCloseTo(Math.SQRT2, 12);
    expect(cell(tac, 'bits_per_value_mean')).toBe('4');
    expect(
      [
        'task_accuracy_classes_mean',
        'clustering_accuracy_mean',
        'metric_effectiveRank_mean',
        'bits_per_value_mean',
        'majority_adapter_accuracy_classes_mean',
      ].map((name) => cell(plain, name)),
    ).toEqual(['', '', '', '', '']);
  });
});

describe('charts of the optional ledger fields', () => {
  it('draws the clustering accuracy by round when runs report one, and each adapter metric asked for', async () => {
    const charts = await renderCharts([...tacRuns, plainRun(1)], { adapterMetrics: ['fc1.sigma1'] });
    expect(charts.map((chart) => chart.id)).toEqual([
      'accuracy-by-round',
      'accuracy-by-uplink',
      'uplink-per-round',
      'participation',
      'test-loss-by-round',
      'train-loss-by-round',
      'bits-per-value-by-round',
      'downlink-per-round',
      'clustering-by-round',
      'metric-fc1.sigma1',
    ]);
    expect(charts.find((chart) => chart.id === 'metric-fc1.sigma1')?.title).toBe('fc1.sigma1 by round');
  });

  it('draws neither for runs without them', async () => {
    const charts = await renderCharts([plainRun(1)]);
    expect(charts.map((chart) => chart.id)).not.toContain('clustering-by-round');
    await expect(renderCharts([plainRun(1)], { adapterMetrics: ['effectiveRank'] })).rejects.toThrow(
      /no run reports the adapter metric "effectiveRank"/,
    );
  });
});

describe('the report page', () => {
  it('shows a titled table for each optional field the runs have, and the clustering chart', async () => {
    const html = await buildReport([...tacRuns, plainRun(1)], { labels: 'experiment' });
    for (const id of ['tasks', 'majority-adapter', 'clustering', 'adapter-metrics', 'uploads'])
      expect(html).toContain(`<h3 class="table-title" id="table-${id}">`);
    expect(html).toContain('<th class="num">adjusted Rand index</th>');
    expect(html).toContain('<td class="num">3.60<span class="spread"> ± 0.14</span></td>');
    expect(html).toContain('data-chart="clustering-by-round"');
    const plain = await buildReport([plainRun(1)]);
    expect(plain).not.toContain('id="table-tasks"');
    expect(plain).not.toContain('data-chart="clustering-by-round"');
  });
});
