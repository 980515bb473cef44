import { describe, expect, it } from 'vitest';
import {
  groupRuns,
  lateAccuracy,
  ReportOptionError,
  summariseRuns,
  summaryTable,
  type RunGroupSummary,
  type RunRecord,
} from '../src/index.js';
import { ledgerRows, resolvedExperiment } from './fixtures.js';

/** A run labelled `label` (with `changes` to its experiment) whose rounds reach `accuracies`. */
function run(
  label: string,
  seed: number,
  accuracies: (number | null)[],
  changes: Record<string, unknown> = {},
): RunRecord {
  const experiment = resolvedExperiment({ seed, label, ...changes }) as RunRecord['experiment'];
  const ledger = ledgerRows({
    rounds: accuracies.length,
    accuracy: (round) => accuracies[round] ?? null,
    uplinkBytes: () => 100,
  });
  return {
    dir: `${label}/seed-${seed}`,
    experiment,
    ledger,
    summary: null,
    plannedRounds: accuracies.length,
    warnings: [],
  };
}

const rmlora = { adapter: { name: 'rmlora', rank: 4, alpha: 8, options: {} } };

// Final differences to LoRA: seed 1 0.9 − 0.8 = 0.10, seed 2 0.75 − 0.6 = 0.15 (mean 0.125,
// std 0.05/√2). Last-2 means: LoRA 0.75 and 0.65, RM-LoRA 0.85 and 0.775; differences 0.10 and
// 0.125 (mean 0.1125, std 0.025/√2).
const runs = [
  run('LoRA', 1, [0.5, 0.6, 0.7, 0.8]),
  run('LoRA', 2, [0.5, 0.6, 0.7, 0.6]),
  run('RM-LoRA', 1, [0.5, 0.7, 0.8, 0.9], rmlora),
  run('RM-LoRA', 2, [0.5, 0.6, 0.8, 0.75], rmlora),
];

function labelled(summaries: RunGroupSummary[], label: string): RunGroupSummary {
  const summary = summaries.find((candidate) => candidate.label === label);
  if (summary === undefined) throw new Error(`no group ${label} in ${summaries.map((s) => s.label).join(', ')}`);
  return summary;
}

describe('late accuracy', () => {
  it('is the mean over the last evaluated rounds, or all of them when there are fewer', () => {
    const ledger = ledgerRows({
      rounds: 5,
      accuracy: (round) => (round % 2 === 0 ? 0.1 * (round + 1) : null),
      uplinkBytes: () => 1,
    });
    // Evaluated rounds 0, 2, 4 with 0.1, 0.3, 0.5.
    expect(lateAccuracy(ledger, 2)).toBeCloseTo(0.4, 12);
    expect(lateAccuracy(ledger, 10)).toBeCloseTo(0.3, 12);
    expect(lateAccuracy(ledgerRows({ rounds: 2, accuracy: () => null, uplinkBytes: () => 1 }), 3)).toBeNull();
  });

  it('is summarised over seeds when asked for, and refused for a count that is not a whole number', () => {
    const summaries = summariseRuns(runs, { lateEvaluations: 2, labels: 'experiment' });
    const lora = labelled(summaries, 'LoRA').lateAccuracy;
    expect(lora?.evaluations).toBe(2);
    expect(lora?.accuracy?.mean).toBeCloseTo(0.7, 12);
    expect(lora?.accuracy?.std).toBeCloseTo(0.1 / Math.SQRT2, 12);
    expect(summariseRuns(runs)[0]?.lateAccuracy).toBeUndefined();
    expect(() => summariseRuns(runs, { lateEvaluations: 0 })).toThrow(ReportOptionError);
    expect(() => summariseRuns(runs, { lateEvaluations: 1.5 })).toThrow(
      'late accuracy needs a whole number of evaluations, at least 1; got 1.5',
    );
  });
});

describe('differences to a baseline', () => {
  const summaries = summariseRuns(runs, { baseline: 'LoRA', lateEvaluations: 2, labels: 'experiment' });

  it('pairs runs by seed, so the spread is that of the difference', () => {
    const versus = labelled(summaries, 'RM-LoRA').versusBaseline;
    expect(versus?.baseline).toBe('LoRA');
    expect(versus?.pairs).toBe(2);
    expect(versus?.finalAccuracy?.mean).toBeCloseTo(0.125, 12);
    expect(versus?.finalAccuracy?.std).toBeCloseTo(0.05 / Math.SQRT2, 12);
    expect(versus?.lateAccuracy?.mean).toBeCloseTo(0.1125, 12);
    expect(versus?.lateAccuracy?.std).toBeCloseTo(0.025 / Math.SQRT2, 12);
    expect(labelled(summaries, 'LoRA').versusBaseline).toBeUndefined();
  });

  it('shows them as signed points next to the accuracies, blank on the baseline’s own row', () => {
    const table = summaryTable(summaries);
    const cells = (label: string) => {
      const row = table.rows.find((candidate) => candidate[0] === label) ?? [];
      return Object.fromEntries(table.header.map((title, column) => [title, row[column]]));
    };
    expect(table.header.slice(4, 9)).toEqual([
      'final acc',
      'last 2 acc',
      'final vs LoRA (pts)',
      'last 2 vs LoRA (pts)',
      'best acc',
    ]);
    expect(cells('RM-LoRA')).toMatchObject({
      'final acc': '82.50% ± 10.61%',
      'last 2 acc': '81.25% ± 5.30%',
      'final vs LoRA (pts)': '+12.50 ± 3.54',
      'last 2 vs LoRA (pts)': '+11.25 ± 1.77',
    });
    expect(cells('LoRA')).toMatchObject({ 'final vs LoRA (pts)': '', 'last 2 vs LoRA (pts)': '' });
  });

  it('leaves out seeds the baseline did not run, and marks a group with none in common', () => {
    const partial = summariseRuns([...runs, run('FedIT', 3, [0.4, 0.5], { selector: 'all' })], {
      baseline: 'LoRA',
      labels: 'experiment',
    });
    expect(labelled(partial, 'FedIT').versusBaseline).toEqual({
      baseline: 'LoRA',
      pairs: 0,
      finalAccuracy: null,
      lateAccuracy: null,
    });
    const row = summaryTable(partial).rows.find((cells) => cells[0] === 'FedIT');
    expect(row?.[5]).toBe('–');
  });

  it('refuses a baseline no group is labelled with, naming the labels there are', () => {
    expect(() => summariseRuns(runs, { baseline: 'lora', labels: 'experiment' })).toThrow(
      'no runs are labelled "lora" to compare with; the baseline must be one of the labels "LoRA", "RM-LoRA"',
    );
  });
});

describe('groups labelled by their experiments', () => {
  it('take the experiment’s own label instead of the fields that differ', () => {
    expect(groupRuns(runs, 'differences').map((group) => group.label)).toEqual([
      'adapter.name=lora',
      'adapter.name=rmlora',
    ]);
    expect(groupRuns(runs, 'experiment').map((group) => group.label)).toEqual(['LoRA', 'RM-LoRA']);
  });

  it('tell apart groups that share a label by the fields that differ between them alone', () => {
    const ranks = [
      run('LoRA', 1, [0.5], { adapter: { name: 'lora', rank: 2, alpha: 4, options: {} } }),
      run('LoRA', 1, [0.5]),
      run('RM-LoRA', 1, [0.5], rmlora),
    ];
    expect(groupRuns(ranks, 'experiment').map((group) => group.label)).toEqual([
      'LoRA (adapter.rank=2; adapter.alpha=4)',
      'LoRA (adapter.rank=4; adapter.alpha=8)',
      'RM-LoRA',
    ]);
  });
});
