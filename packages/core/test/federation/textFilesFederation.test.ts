import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import type { LedgerRow } from '../../src/engine/ledger.js';
import { planRun } from '../../src/engine/preparedRun.js';
import { runExperiment } from '../../src/engine/runExperiment.js';
import { expandRuns } from '../../src/engine/runSpecs.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { prepareFederation } from '../../src/federation/index.js';
import type { Federation } from '../../src/federation/types.js';
import { GPT2_TEST_SIZES } from '../../src/testing/gpt2Folder.js';
import { textFilesExperimentDir, tinyCorpus } from './textFilesFixtures.js';

const readLedger = (dir: string): LedgerRow[] =>
  readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LedgerRow);

/** A text-files experiment on the model folder and corpus of `textFilesExperimentDir`. */
function textFilesExperiment(changes: { task?: 'causal-lm' | 'classification'; rounds?: number; learningRate?: number; targetModules?: string[] } = {}) {
  return parseExperiment({
    name: 'text-files-test',
    seed: 3,
    data: { dataset: 'text-files', path: 'corpus.jsonl', ...(changes.task ? { task: changes.task } : {}), numClients: 3 },
    model: { base: 'model', contextLength: 8 },
    adapter: { rank: 2, alpha: 4, ...(changes.targetModules ? { targetModules: changes.targetModules } : {}) },
    training: { rounds: changes.rounds ?? 2, localEpochs: 1, batchSize: 8, learningRate: changes.learningRate ?? 0.01, tfBackend: 'cpu' },
  });
}

/** The layout a run on `federation` would train. */
function plannedLayout(experiment: ReturnType<typeof textFilesExperiment>, federation: Federation) {
  const [spec] = expandRuns(experiment);
  return planRun(spec!, federation, createFedtuneContainer()).adapter.instance.layout;
}

describe('text-files on a Hugging Face GPT-2 folder', () => {
  it('fine-tunes next-token prediction with LoRA on c_attn alone, the LM head frozen, and reports perplexity', async () => {
    const dir = await textFilesExperimentDir('gpt2', tinyCorpus(120));
    const experiment = textFilesExperiment();
    const federation = await prepareFederation(experiment, dir);
    try {
      expect(federation.tasks).toHaveLength(1);
      expect(federation.tasks[0]?.languageModel).toBe(true);
      expect(federation.pool.numClasses).toBe(GPT2_TEST_SIZES.vocab);
      expect(federation.pool.featureSize).toBe(8);
      const layout = plannedLayout(experiment, federation);
      // PEFT's GPT-2 default: c_attn of each block, and nothing of lm_head.
      expect(layout.map((spec) => spec.name)).toEqual([
        'transformer.h.0.attn.c_attn.lora_A.weight',
        'transformer.h.0.attn.c_attn.lora_B.weight',
        'transformer.h.1.attn.c_attn.lora_A.weight',
        'transformer.h.1.attn.c_attn.lora_B.weight',
      ]);
    } finally {
      federation.base.dispose();
    }
    const outDir = join(dir, 'out');
    const [summary] = await runExperiment(experiment, { outDir, experimentDir: dir, container: createFedtuneContainer() });
    const { width } = GPT2_TEST_SIZES;
    // Two blocks' c_attn (width → 3·width) at rank 2.
    expect(summary?.trainableParameters).toBe(2 * (2 * width + 3 * width * 2));
    expect(summary?.data).toBe(`text-files causal-lm (${GPT2_TEST_SIZES.vocab} tokens)`);
    const rows = readLedger(outDir);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.testPerplexity).toBeCloseTo(Math.exp(row.testLoss as number), 8);
    // The adapter as PEFT saves a CAUSAL_LM LoRA of this folder's GPT-2: Conv1D targets, no head.
    const peftConfig = JSON.parse(readFileSync(join(outDir, 'adapter', 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
    expect(peftConfig).toMatchObject({ task_type: 'CAUSAL_LM', fan_in_fan_out: true, base_model_name_or_path: join(dir, 'model'), r: 2, lora_alpha: 4 });
    expect(peftConfig['modules_to_save'] ?? []).toEqual([]);
    // Worker threads load the model folder at the same context length, and train bit for bit alike.
    const workersDir = join(dir, 'out-workers');
    await runExperiment(experiment, { outDir: workersDir, experimentDir: dir, container: createFedtuneContainer(), workers: 2 });
    const withoutWallTime = (ledger: LedgerRow[]) => ledger.map(({ wallMs: _wallMs, ...rest }) => rest);
    expect(withoutWallTime(readLedger(workersDir))).toEqual(withoutWallTime(rows));
  }, 300_000);

  it('lowers the training loss over rounds on a repetitive corpus', async () => {
    const dir = await textFilesExperimentDir('gpt2', tinyCorpus(120));
    const outDir = join(dir, 'out');
    await runExperiment(textFilesExperiment({ rounds: 4, learningRate: 0.03 }), { outDir, experimentDir: dir, container: createFedtuneContainer() });
    const losses = readLedger(outDir).map((row) => row.trainLoss as number);
    expect(losses.at(-1)).toBeLessThan(0.8 * (losses[0] as number));
  }, 120_000);

  it('trains a new two-output head on the last real token for classification and reports accuracy', async () => {
    const dir = await textFilesExperimentDir('gpt2', tinyCorpus(120, true));
    const experiment = textFilesExperiment({ task: 'classification', rounds: 3, learningRate: 0.03 });
    const federation = await prepareFederation(experiment, dir);
    try {
      expect(federation.tasks[0]?.languageModel).toBeUndefined();
      expect(federation.tasks[0]?.numClasses).toBe(2);
      const layout = plannedLayout(experiment, federation);
      // The head is transformers' score: a weight without a bias.
      expect(layout.at(-1)).toEqual({ name: 'lm_head.weight', shape: [2, GPT2_TEST_SIZES.width] });
      expect(layout.some((spec) => spec.name === 'lm_head.bias')).toBe(false);
    } finally {
      federation.base.dispose();
    }
    const outDir = join(dir, 'out');
    const [summary] = await runExperiment(experiment, { outDir, experimentDir: dir, container: createFedtuneContainer() });
    const rows = readLedger(outDir);
    expect(rows.every((row) => row.testPerplexity === undefined)).toBe(true);
    // The label is the text's first word, which a head on the last token learns to read through attention.
    expect(summary?.finalAccuracy).toBeGreaterThan(0.7);
  }, 120_000);
});

describe('text-files on a Hugging Face LLaMA folder', () => {
  it('adapts q_proj and v_proj by default and reports perplexity', async () => {
    const dir = await textFilesExperimentDir('llama', tinyCorpus(120));
    const experiment = textFilesExperiment();
    const federation = await prepareFederation(experiment, dir);
    try {
      const targets = plannedLayout(experiment, federation).map((spec) => spec.name.replace(/\.lora_[AB]\.weight$/, ''));
      expect([...new Set(targets)]).toEqual([
        'model.layers.0.self_attn.q_proj',
        'model.layers.0.self_attn.v_proj',
        'model.layers.1.self_attn.q_proj',
        'model.layers.1.self_attn.v_proj',
      ]);
    } finally {
      federation.base.dispose();
    }
    const outDir = join(dir, 'out');
    await runExperiment(experiment, { outDir, experimentDir: dir, container: createFedtuneContainer() });
    const rows = readLedger(outDir);
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => Number.isFinite(row.testPerplexity))).toBe(true);
  }, 120_000);
});
