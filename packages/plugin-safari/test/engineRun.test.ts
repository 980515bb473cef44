import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFedtuneContainer, parseExperiment, runExperiment, type LedgerRow, type RunSummary } from '@fedtune/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { plugin } from '../src/index.js';

/** SAFARI's setting in miniature: two class groups, the lossy half on 18% links, the other on 60%. */
const experiment = {
  name: 'safari-engine-test',
  seed: 3,
  data: {
    numClients: 6,
    partition: {
      kind: 'task-groups',
      groups: [
        [0, 1, 2, 3, 4],
        [5, 6, 7, 8, 9],
      ],
    },
    trainLimit: 600,
    testLimit: 300,
  },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 3, localEpochs: 1, batchSize: 32, learningRate: 0.005 },
  compressor: { name: 'safari-sparse', options: { sparsity: 0.8 } },
  aggregator: 'safari',
  channel: {
    name: 'bernoulli',
    options: {
      groups: [
        { share: 0.5, successRate: 0.18 },
        { share: 0.5, successRate: 0.6 },
      ],
    },
  },
  compare: [
    { label: 'weight mask', adapter: { name: 'safari-lora', options: { sparsity: 0.8 } } },
    { label: 'all lost', channel: { name: 'bernoulli', options: { successRate: 0 } } },
  ],
};

const readLedger = (dir: string): LedgerRow[] =>
  readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LedgerRow);

describe('SAFARI through the engine on real data', () => {
  let outDir: string;
  let summaries: RunSummary[];

  beforeAll(async () => {
    const container = createFedtuneContainer();
    plugin.register(container);
    outDir = mkdtempSync(join(tmpdir(), 'fedtune-safari-'));
    summaries = await runExperiment(parseExperiment(experiment), { outDir, experimentDir: outDir, container });
  }, 120_000);

  it('forces round 0 through, then loses uploads on the two-group links', () => {
    const rows = readLedger(outDir);
    expect(rows.map((r) => [r.participants, r.uploaded, r.lost])[0]).toEqual([6, 6, 0]);
    expect(rows.slice(1).reduce((n, r) => n + r.lost, 0)).toBeGreaterThan(0);
    expect(rows.every((r) => (r.testAccuracy ?? 0) > 0.1)).toBe(true);
  });

  it('counts on the ledger exactly the sparse payloads the clients sent', () => {
    // LoRA r = 2 on the 784-256-128 base plus a 10-class head: tensors of 1568, 512, 512, 256, 1280
    // and 10 values (4,138). At 80% sparsity they keep 314 + 102 + 102 + 51 + 256 + 2 = 827; a bitmap
    // (518 bytes) beats 827 13-bit indices (1,344 bytes): 14 + 518 + 4·827 = 3,840 bytes per upload.
    expect(summaries[0]?.trainableParameters).toBe(4138);
    for (const dir of [outDir, join(outDir, 'compare', 'weight-mask')]) {
      for (const row of readLedger(dir)) expect(row.uplinkBytes).toBe(row.uploaded * 3840);
    }
  });

  it('keeps the global model in rounds where every upload is lost', () => {
    const rows = readLedger(join(outDir, 'compare', 'all-lost'));
    expect(rows.map((r) => r.lost)).toEqual([0, 6, 6]);
    expect(rows[1]?.testAccuracy).toBe(rows[0]?.testAccuracy);
    expect(rows[2]?.testLoss).toBe(rows[0]?.testLoss);
  });
});

describe('SAFARI and several task slots per client', () => {
  const multiTask = {
    ...experiment,
    compare: [],
    data: {
      numClients: 4,
      trainLimit: 200,
      testLimit: 100,
      tasks: [{ name: 'classes' }, { name: 'rotated', rotate: 90 }],
      tasksPerClient: { min: 2, max: 2 },
    },
  };

  it('is refused before round 0, since its similarity matrix has one row per client', async () => {
    const container = createFedtuneContainer();
    plugin.register(container);
    const outDir = join(mkdtempSync(join(tmpdir(), 'fedtune-safari-slots-')), 'out');
    await expect(runExperiment(parseExperiment(multiTask), { outDir, experimentDir: outDir, container })).rejects.toThrow(
      /aggregator safari keeps one adapter slot per client.*training\.taskSlots to "shared"/,
    );
    expect(existsSync(outDir)).toBe(false);
  });

  it('runs with fedavg-stale, which keeps each slot\'s last update apart', async () => {
    const container = createFedtuneContainer();
    plugin.register(container);
    const outDir = mkdtempSync(join(tmpdir(), 'fedtune-safari-slots-'));
    const [summary] = await runExperiment(
      parseExperiment({ ...multiTask, aggregator: 'fedavg-stale', training: { ...multiTask.training, rounds: 2 } }),
      { outDir, experimentDir: outDir, container },
    );
    expect(summary?.rounds).toBe(2);
  });
});
