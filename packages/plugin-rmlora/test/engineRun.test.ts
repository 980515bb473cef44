import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createFedtuneContainer,
  importPeftAdapter,
  mlpModules,
  parseExperiment,
  runExperiment,
  type LedgerRow,
  type RunSummary,
} from '@fedtune/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin, { createLoraMetricsAdapter } from '../src/index.js';
import { initRandom } from './fixtures.js';

/** Two clients on a small slice of the embedded Fashion-MNIST, every method on the same data and seed. */
const experiment = {
  name: 'rmlora-engine-test',
  seed: 4,
  label: 'LoRA',
  plugins: ['@fedtune/plugin-rmlora'],
  data: { numClients: 2, partition: { kind: 'dirichlet', alpha: 0.5 }, trainLimit: 200, testLimit: 300 },
  adapter: { name: 'lora-metrics', rank: 2, alpha: 4 },
  training: { rounds: 2, localEpochs: 2, batchSize: 32, learningRate: 0.005 },
  compare: [
    { label: 'RM-LoRA v1', adapter: { name: 'rmlora', options: {} } },
    { label: 'RM-LoRA v2 update', adapter: { name: 'rmlora', options: { variant: 'v2', maskMode: 'update', maskedRank: 1 } } },
  ],
};

const ledger = (dir: string): LedgerRow[] =>
  readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LedgerRow);

describe('a federated run through the engine', () => {
  let root: string;
  let summaries: RunSummary[];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'rmlora-run-'));
    const container = createFedtuneContainer();
    plugin.register(container);
    summaries = await runExperiment(parseExperiment(experiment), { outDir: join(root, 'run'), experimentDir: root, container });
  }, 120_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('runs LoRA and both RM-LoRA variants at one trainable-parameter count', () => {
    expect(summaries.map((s) => s.label)).toEqual(['LoRA', 'RM-LoRA v1', 'RM-LoRA v2 update']);
    // r = 2 on fc1 (784→256) and fc2 (256→128), plus a 10-class head on 128 features.
    const count = 2 * (784 + 256) + 2 * (256 + 128) + 10 * 128 + 10;
    expect(summaries.map((s) => s.trainableParameters)).toEqual([count, count, count]);
    expect(summaries.map((s) => s.components['adapter'])).toEqual(['lora-metrics', 'rmlora', 'rmlora']);
    for (const summary of summaries) expect(summary.finalAccuracy).toBeGreaterThan(0.3);
  });

  it('logs the rank metrics of every evaluated round through the adapter hook', () => {
    for (const summary of summaries) {
      for (const row of ledger(summary.outDir)) {
        const metrics = row.metrics!;
        expect(metrics['effectiveRank']).toBeGreaterThan(1);
        expect(metrics['effectiveRank']).toBeLessThanOrEqual(2 + 1e-9);
        expect(metrics['numericalRank']).toBe(2);
        expect(metrics['fc1.sigma1']).toBeGreaterThanOrEqual(metrics['fc1.sigma2']!);
        expect(metrics['fc2.stableRank']).toBeLessThanOrEqual(2 + 1e-9);
      }
    }
  });

  it('logs for the last round the metrics of the adapter it exports', async () => {
    const modules = mlpModules({ inputSize: 784, hidden: [256, 128], numClasses: 5 });
    const instance = createLoraMetricsAdapter({ useRsLora: false }).create(modules, { rank: 2, alpha: 4, numClasses: 10, random: initRandom });
    for (const summary of summaries) {
      const { parameters } = await importPeftAdapter(join(summary.outDir, 'adapter'), instance.layout);
      expect(ledger(summary.outDir).at(-1)!.metrics).toEqual(instance.metrics!(parameters));
    }
  });

  it('pushes the factors towards orthonormal: RM-LoRA’s update is better spread than LoRA’s', () => {
    const last = (summary: RunSummary) => ledger(summary.outDir).at(-1)!.metrics!;
    const [lora, v1] = summaries as [RunSummary, RunSummary];
    expect(last(v1)['stableRank']).toBeGreaterThan(last(lora)['stableRank']!);
  });
});
