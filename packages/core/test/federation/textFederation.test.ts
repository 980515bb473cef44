import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORTUNES_DIR } from '../../src/data/text/fortuneCorpus.js';
import { runExperiment } from '../../src/engine/index.js';
import { prepareFederation } from '../../src/federation/index.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';

const installed = existsSync(FORTUNES_DIR);
const languageTask = parseExperiment({
  name: 'text-engine-test',
  seed: 2,
  data: { dataset: 'fortunes-language', source: 'system', numClients: 8, partition: { kind: 'dirichlet', alpha: 0.3 }, trainLimit: 400, testLimit: 140 },
  adapter: { rank: 2, alpha: 4, targetModules: ['blocks.0.attn.q', 'blocks.0.attn.v', 'blocks.1.attn.q', 'blocks.1.attn.v'] },
  training: { rounds: 1, localEpochs: 1, batchSize: 16, learningRate: 0.003 },
  selector: { name: 'uniform', options: { fraction: 0.5 } },
});

describe.skipIf(!installed)(`federated fine-tuning on the fortunes in ${FORTUNES_DIR} (apt install fortunes fortunes-de …)`, () => {
  it('partitions the language task over clients and evaluates on the test texts', async () => {
    const federation = await prepareFederation(languageTask, tmpdir());
    try {
      expect(federation.base.architecture).toBe('transformer');
      expect(federation.pool.featureSize).toBe(federation.base.inputSize);
      expect(federation.tasks[0]?.numClasses).toBe(7);
      expect(federation.tasks[0]?.testIndices).toHaveLength(140);
      const shares = [...federation.shares.values()];
      expect(shares).toHaveLength(8);
      // Every training text goes to exactly one client.
      const all = shares.flatMap((share) => Array.from(share));
      expect(all).toHaveLength(400);
      expect(new Set(all).size).toBe(400);
    } finally {
      federation.base.dispose();
    }
  }, 60_000);

  it('runs LoRA on the transformer attention by module name and exports a PEFT adapter', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'fedtune-text-'));
    const [summary] = await runExperiment(languageTask, { outDir, experimentDir: outDir, container: createFedtuneContainer() });
    expect(summary?.data).toBe('fortunes-language (7 classes)');
    // Four adapted 64→64 projections at r = 2 plus a 7-way head on 64 features.
    expect(summary?.trainableParameters).toBe(4 * (2 * 64 + 64 * 2) + 7 * 64 + 7);
    expect(summary?.finalAccuracy).toBeGreaterThan(1 / 7);
    const config = JSON.parse(readFileSync(join(outDir, 'adapter', 'adapter_config.json'), 'utf8'));
    expect(config.target_modules).toEqual(['blocks.0.attn.q', 'blocks.0.attn.v', 'blocks.1.attn.q', 'blocks.1.attn.v']);
    expect(readdirSync(join(outDir, 'adapter')).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors', 'base']);
    // The transformer's 256-way base head was resized to the task's 7 languages.
    expect(JSON.parse(readFileSync(join(outDir, 'adapter', 'base', 'config.json'), 'utf8'))).toMatchObject({ architecture: 'transformer', numClasses: 256, num_labels: 7 });
  }, 120_000);

  it('fine-tunes next-byte prediction from the pre-trained head and writes perplexity to the ledger', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'fedtune-next-byte-'));
    const experiment = parseExperiment({
      ...languageTask,
      data: { ...languageTask.data, dataset: 'fortunes-next-byte', trainLimit: 320, testLimit: 300 },
      compare: [],
    });
    const [summary] = await runExperiment(experiment, { outDir, experimentDir: outDir, container: createFedtuneContainer() });
    const row = JSON.parse(readFileSync(join(outDir, 'ledger.jsonl'), 'utf8').trim()) as { testLoss: number; testPerplexity: number };
    expect(row.testPerplexity).toBeCloseTo(Math.exp(row.testLoss), 10);
    // The base predicts held-out bytes at about 10 per byte; a fresh 256-way head would be near 256.
    expect(row.testPerplexity).toBeLessThan(40);
    // The 256-way head starts as the base's own next-byte head.
    expect(summary?.trainableParameters).toBe(4 * (2 * 64 + 64 * 2) + 256 * 64 + 256);
  }, 120_000);

  it('federates topic and language as two tasks, each client holding one or both', async () => {
    const experiment = parseExperiment({
      ...languageTask,
      data: { ...languageTask.data, dataset: 'fortunes-multitask', tasksPerClient: { min: 1, max: 2 } },
    });
    const federation = await prepareFederation(experiment, tmpdir());
    try {
      expect(federation.tasks.map((task) => [task.spec.name, task.numClasses])).toEqual([
        ['topic', 10],
        ['language', 7],
      ]);
      const topicRows = federation.tasks[0]?.test.count as number;
      expect(topicRows).toBeGreaterThan(0);
      for (const [key, share] of federation.shares) {
        const task = Number(key.split('/')[1]);
        // Language rows follow the topic task's rows in the pool, and carry language labels.
        for (const row of share) expect(federation.pool.labels[row]).toBeLessThan(task === 0 ? 10 : 7);
      }
      expect(federation.clientTasks.every((tasks) => tasks.length >= 1 && tasks.length <= 2)).toBe(true);
    } finally {
      federation.base.dispose();
    }
  }, 60_000);
});
