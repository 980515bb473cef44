import { describe, expect, it } from 'vitest';
import { groupRuns, type GroupLabels, type RunRecord } from '../src/index.js';
import { ledgerRows, resolvedExperiment } from './fixtures.js';

const rows = ledgerRows({ rounds: 2, accuracy: () => 0.5, uplinkBytes: () => 100 });

function run(dir: string, changes: Record<string, unknown> = {}): RunRecord {
  const experiment = resolvedExperiment(changes) as RunRecord['experiment'];
  return { dir, experiment, ledger: rows, summary: null, plannedRounds: 2, warnings: [] };
}

const labels = (runs: RunRecord[], how: GroupLabels = 'differences') =>
  groupRuns(runs, how).map((group) => group.label);
const qsgd = { name: 'qsgd', options: { levels: 4 } };

describe('labels name what differs between the runs', () => {
  it('names a component by its name and options', () => {
    expect(labels([run('a'), run('b', { compressor: qsgd })])).toEqual([
      'compressor=none',
      'compressor=qsgd(levels=4)',
    ]);
  });

  it('joins several differences in the order of the experiment file', () => {
    const runs = [
      run('a', { compressor: qsgd, training: { ...(resolvedExperiment().training as object), learningRate: 0.01 } }),
      run('b'),
    ];
    expect(labels(runs)).toEqual([
      'training.learningRate=0.01; compressor=qsgd(levels=4)',
      'training.learningRate=0.005; compressor=none',
    ]);
  });

  it('tells plugins, backends and tagged choices apart, and marks a field one run lacks', () => {
    const runs = [
      run('a'),
      run('b', {
        plugins: ['@fedtune/plugin-aquila'],
        backend: { name: 'gpujs', options: { mode: 'gpu' } },
        data: { ...(resolvedExperiment().data as object), partition: { kind: 'iid' } },
        adapter: { name: 'lora', rank: 4, alpha: 8, options: {}, targetModules: ['fc1'] },
      }),
    ];
    expect(labels(runs)).toEqual([
      // A field only the later run has comes after those of the first run.
      'plugins=[]; data.partition=dirichlet(alpha=0.5); backend=reference; adapter.targetModules=unset',
      'plugins=[@fedtune/plugin-aquila]; data.partition=iid; backend=gpujs(mode=gpu); adapter.targetModules=[fc1]',
    ]);
  });

  it('reads options written in another order as the same', () => {
    const groups = groupRuns([
      run('a', { compressor: { name: 'qsgd', options: { levels: 4, stochastic: true } } }),
      run('b', { compressor: { name: 'qsgd', options: { stochastic: true, levels: 4 } } }),
    ]);
    expect(groups).toHaveLength(1);
  });

  it('ignores the free-text label and the time of resolution; a lone configuration keeps its own label', () => {
    const other = run('b', { label: 'renamed' });
    other.experiment = { ...other.experiment, resolvedAt: '2030-01-01T00:00:00.000Z' };
    expect(labels([run('a'), other])).toEqual(['LoRA r=4']);
    expect(labels([run('a', { label: undefined })])).toEqual(['quickstart']);
  });
});

describe('seeds of one experiment form one group', () => {
  it('groups runs identical but for the seed, seeds in order, groups in order of first appearance', () => {
    const groups = groupRuns(
      [
        run('none-7', { seed: 7 }),
        run('qsgd-7', { seed: 7, compressor: qsgd }),
        run('none-1', { seed: 1 }),
        run('qsgd-1', { seed: 1, compressor: qsgd }),
      ],
      'differences',
    );
    expect(groups.map((group) => [group.label, group.runs.map((r) => r.dir)])).toEqual([
      ['compressor=none', ['none-1', 'none-7']],
      ['compressor=qsgd(levels=4)', ['qsgd-1', 'qsgd-7']],
    ]);
  });
});

describe('by default, labels are the experiments’ own where their files set one', () => {
  const unlabelled = { label: undefined };

  it('names a labelled run by its label and an unlabelled one by what differs', () => {
    const runs = [run('a', unlabelled), run('b', { label: 'QSGD 4 levels', compressor: qsgd })];
    expect(labels(runs, 'auto')).toEqual(['compressor=none', 'QSGD 4 levels']);
    expect(groupRuns(runs).map((group) => group.label)).toEqual(['compressor=none', 'QSGD 4 levels']);
  });

  it('keeps today’s names for runs without labels', () => {
    const runs = [run('a', unlabelled), run('b', { ...unlabelled, compressor: qsgd })];
    expect(labels(runs, 'auto')).toEqual(labels(runs, 'differences'));
  });

  it('tells apart labelled groups that share a label by what differs between them', () => {
    const runs = [run('a'), run('b', { compressor: qsgd })];
    expect(labels(runs, 'auto')).toEqual(['LoRA r=4 (compressor=none)', 'LoRA r=4 (compressor=qsgd(levels=4))']);
  });
});
