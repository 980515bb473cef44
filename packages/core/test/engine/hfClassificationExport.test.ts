import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { ADAPTER } from '../../src/contracts/tokens.js';
import { runExperiment } from '../../src/engine/runExperiment.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { loraAdapterFactory } from '../../src/model/adapters/lora.js';
import { readSafetensorsFile } from '../../src/model/formats/safetensors.js';
import { registerNamed } from '../../src/plugins/registry.js';
import { textFilesExperimentDir, tinyCorpus } from '../federation/textFilesFixtures.js';

/** One round of a text-files classification run on the tiny model folder, LoRA of rank 2. */
function classificationExperiment(adapterName = 'lora') {
  return parseExperiment({
    name: 'hf-classification-export',
    seed: 3,
    data: { dataset: 'text-files', path: 'corpus.jsonl', task: 'classification', numClients: 2 },
    model: { base: 'model', contextLength: 8 },
    adapter: { name: adapterName, rank: 2, alpha: 4 },
    training: { rounds: 1, localEpochs: 1, batchSize: 16, learningRate: 0.01, tfBackend: 'cpu' },
  });
}

const adapterConfig = (outDir: string) => JSON.parse(readFileSync(join(outDir, 'adapter', 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
const adapterKeys = async (outDir: string) => [...(await readSafetensorsFile(join(outDir, 'adapter', 'adapter_model.safetensors'))).tensors.keys()].sort();

describe('the adapter of a Hugging Face classification run', () => {
  for (const { family, loraModules } of [
    { family: 'gpt2', loraModules: ['transformer.h.0.attn.c_attn', 'transformer.h.1.attn.c_attn'] },
    { family: 'llama', loraModules: [0, 1].flatMap((layer) => [`model.layers.${layer}.self_attn.q_proj`, `model.layers.${layer}.self_attn.v_proj`]) },
  ] as const) {
    it(`is PEFT's SEQ_CLS adapter of the ${family} folder: its LoRA factors and the head as score`, async () => {
      const dir = await textFilesExperimentDir(family, tinyCorpus(40, true));
      const outDir = join(dir, 'out');
      await runExperiment(classificationExperiment(), { outDir, experimentDir: dir, container: createFedtuneContainer() });
      expect(adapterConfig(outDir)).toMatchObject({
        task_type: 'SEQ_CLS',
        base_model_name_or_path: join(dir, 'model'),
        modules_to_save: ['classifier', 'score'],
        fan_in_fan_out: family === 'gpt2',
      });
      const lora = loraModules.flatMap((module) => [`base_model.model.${module}.lora_A.weight`, `base_model.model.${module}.lora_B.weight`]);
      expect(await adapterKeys(outDir)).toEqual([...lora, 'base_model.model.score.weight'].sort());
    }, 120_000);
  }

  it("goes in fedtune's own layout, with a warning that says why, when the adapter trains a head bias", async () => {
    const container = createFedtuneContainer();
    // An adapter that ignores headWithoutBias, as a plugin's might.
    registerNamed(container, ADAPTER, {
      name: 'lora-biased-head',
      plugin: 'engine-test',
      create: (options, context) => {
        const lora = loraAdapterFactory.create(options, context);
        return { name: 'lora-biased-head', create: (modules, settings) => lora.create(modules, { ...settings, headWithoutBias: false }) };
      },
    });
    const dir = await textFilesExperimentDir('gpt2', tinyCorpus(40, true));
    const outDir = join(dir, 'out');
    const lines: string[] = [];
    await runExperiment(classificationExperiment('lora-biased-head'), { outDir, experimentDir: dir, container, log: (line) => lines.push(line) });
    expect(adapterConfig(outDir)).toMatchObject({ task_type: null, modules_to_save: ['lm_head'] });
    expect(await adapterKeys(outDir)).toContain('base_model.model.lm_head.bias');
    expect(lines).toContainEqual(
      expect.stringContaining(`warning: the adapter is written in fedtune's own layout, not as a PEFT SEQ_CLS adapter of ${join(dir, 'model')}: its head trains a bias "lm_head.bias"`)
    );
  }, 120_000);
});
