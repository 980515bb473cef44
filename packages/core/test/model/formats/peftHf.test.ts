import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterInstance } from '../../../src/contracts/adapter.js';
import { createLoraAdapter } from '../../../src/model/adapters/lora.js';
import { indexLayout } from '../../../src/model/adapters/parameterLayout.js';
import { frozenLinear, type LinearFunction } from '../../../src/model/architectures/baseModel.js';
import type { CausalLanguageModel } from '../../../src/model/architectures/huggingface/hfArchitecture.js';
import { loadHfPeftAdapter } from '../../../src/model/formats/peftHfAdapter.js';
import { exportHfPeftAdapter } from '../../../src/model/formats/peftHfExport.js';
import { readSafetensorsFile, writeSafetensorsFile, type TensorData } from '../../../src/model/formats/safetensors.js';
import { RandomStream, RandomStreams } from '../../../src/random/counterRandom.js';
import { useTfBackend } from '../../../src/model/training/tfBackend.js';
import { runTorchScript, torchUnavailable } from '../../torch/torchReference.js';
import { writeGpt2Folder } from '../../../src/testing/gpt2Folder.js';
import { loadGpt2Folder } from '../architectures/gpt2/gpt2FolderLoad.js';
import { instanceLinear, largestDifference } from './peftHfFixtures.js';
import { buildLlamaFromFolder, writeLlamaFolder } from '../architectures/llama/llamaFolder.js';

const REFERENCE = fileURLToPath(new URL('./peft_merge_reference.py', import.meta.url));
const TOLERANCE = 1e-4;
const IDS = [5, 17, 3, 99, 42, 0, 61, 7, 23];

let root: string;
beforeAll(async () => {
  await useTfBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'fedtune-peft-hf-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

interface Family {
  name: string;
  targets: string[];
  useRsLora: boolean;
  /** Writes the Hugging Face folder and builds the model of it. */
  build(folder: string): Promise<CausalLanguageModel>;
  /** The keys PEFT saves for these targets, worked out by hand. */
  keys: string[];
  fanInFanOut: boolean;
}

const families: Family[] = [
  {
    name: 'GPT-2',
    targets: ['c_attn', 'mlp.c_proj'],
    useRsLora: false,
    build: async (folder) => (await writeGpt2Folder(folder, { seed: 3 }), loadGpt2Folder(folder, 16)),
    keys: [0, 1].flatMap((layer) =>
      ['attn.c_attn', 'mlp.c_proj'].flatMap((module) =>
        ['lora_A', 'lora_B'].map((factor) => `base_model.model.transformer.h.${layer}.${module}.${factor}.weight`)
      )
    ),
    fanInFanOut: true,
  },
  {
    name: 'LLaMA',
    targets: ['q_proj', 'v_proj'],
    useRsLora: true,
    build: async (folder) => (await writeLlamaFolder(folder), buildLlamaFromFolder(folder, 16)),
    keys: [0, 1].flatMap((layer) =>
      ['q_proj', 'v_proj'].flatMap((module) =>
        ['lora_A', 'lora_B'].map((factor) => `base_model.model.model.layers.${layer}.self_attn.${module}.${factor}.weight`)
      )
    ),
    fanInFanOut: false,
  },
];

/** A LoRA instance on `model` with every A and B drawn at random (a trained adapter), the head as the base's. */
function trainedLora(model: CausalLanguageModel, family: Family): { instance: AdapterInstance; parameters: Float32Array } {
  const random = { seed: 9, round: 0, client: 0, stream: RandomStreams.initialisation };
  const instance = createLoraAdapter({ useRsLora: family.useRsLora }).create(model.modules, {
    rank: 2,
    alpha: 6,
    targetModules: family.targets,
    numClasses: model.vocabSize,
    random,
  });
  const parameters = instance.initialParameters(model.frozen);
  const stream = new RandomStream({ ...random, stream: RandomStreams.subset });
  for (const slot of indexLayout(instance.layout).slots) {
    if (!slot.spec.name.includes('.lora_')) continue;
    for (let i = slot.offset; i < slot.offset + slot.size; i++) parameters[i] = 0.3 * stream.normal();
  }
  return { instance, parameters };
}

const logitsOf = (model: CausalLanguageModel, linear: LinearFunction) => model.positionLogits(tf.tensor2d([IDS]), linear).arraySync();

const unavailable = torchUnavailable();

for (const family of families) {
  describe(`PEFT adapters of a ${family.name} Hugging Face model`, () => {
    let modelFolder: string;
    let adapterFolder: string;
    let model: CausalLanguageModel;
    let lora: ReturnType<typeof trainedLora>;

    beforeAll(async () => {
      modelFolder = await mkdtemp(join(root, 'model-'));
      adapterFolder = join(root, `${family.name}-adapter`);
      model = await family.build(modelFolder);
      lora = trainedLora(model, family);
      await exportHfPeftAdapter(adapterFolder, { model, adapter: lora.instance, parameters: lora.parameters, baseModelNameOrPath: modelFolder });
    });
    afterAll(() => model.dispose());

    it('writes the config and keys PEFT writes for a causal LM, without the head', async () => {
      const config = JSON.parse(await readFile(join(adapterFolder, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
      expect(config).toMatchObject({
        peft_type: 'LORA',
        task_type: 'CAUSAL_LM',
        base_model_name_or_path: modelFolder,
        r: 2,
        lora_alpha: 6,
        use_rslora: family.useRsLora,
        fan_in_fan_out: family.fanInFanOut,
        modules_to_save: null,
        bias: 'none',
      });
      const content = await readSafetensorsFile(join(adapterFolder, 'adapter_model.safetensors'));
      expect([...content.tensors.keys()].sort()).toEqual([...family.keys].sort());
      const c = model.modules[0]!;
      expect(content.tensors.get(`base_model.model.${c.name}.lora_A.weight`)?.shape).toEqual([2, c.inFeatures]);
      expect(content.tensors.get(`base_model.model.${c.name}.lora_B.weight`)?.shape).toEqual([c.outFeatures, 2]);
    });

    it('reads back into the logits the trained adapter computes', async () => {
      const adapter = await loadHfPeftAdapter(adapterFolder, model);
      expect(adapter.targetModules).toEqual(lora.instance.peftLora!.targetModules);
      expect(adapter.scale).toBeCloseTo(family.useRsLora ? 6 / Math.SQRT2 : 3, 12);
      const ours = logitsOf(model, adapter.linear);
      expect(largestDifference(ours, logitsOf(model, instanceLinear(model, lora.instance, lora.parameters)))).toBeLessThan(1e-5);
      // The adapter must matter, or the comparisons above would prove nothing.
      const frozen: LinearFunction = (module, x) => frozenLinear(x, model.frozen.get(module.name)!);
      expect(largestDifference(ours, logitsOf(model, frozen))).toBeGreaterThan(0.01);
      adapter.dispose();
    });

    const title = "gives the logits of PEFT's merge of the exported files in PyTorch, to 1e-4";
    it.skipIf(unavailable !== undefined)(unavailable === undefined ? title : `${title} (skipped: ${unavailable})`, async () => {
      const adapter = await loadHfPeftAdapter(adapterFolder, model);
      const reference = (runTorchScript(REFERENCE, [modelFolder, adapterFolder, JSON.stringify(IDS)]) as { logits: number[][] }).logits;
      expect(largestDifference(logitsOf(model, adapter.linear), reference)).toBeLessThan(TOLERANCE);
      adapter.dispose();
    });
  });
}

describe('a PEFT adapter that does not fit the model', () => {
  let model: CausalLanguageModel;
  let good: string;
  let config: Record<string, unknown>;
  let tensors: Map<string, TensorData>;

  beforeAll(async () => {
    const modelFolder = await mkdtemp(join(root, 'bad-model-'));
    model = await families[0]!.build(modelFolder);
    good = join(root, 'good-adapter');
    const lora = trainedLora(model, families[0]!);
    await exportHfPeftAdapter(good, { model, adapter: lora.instance, parameters: lora.parameters, baseModelNameOrPath: 'gpt2' });
    config = JSON.parse(await readFile(join(good, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
    tensors = new Map([...(await readSafetensorsFile(join(good, 'adapter_model.safetensors'))).tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data as Float32Array }]));
  });
  afterAll(() => model.dispose());

  async function broken(name: string, changes: { config?: Record<string, unknown>; tensors?: (map: Map<string, TensorData>) => void }): Promise<string> {
    const folder = await mkdtemp(join(root, `${name}-`));
    await writeFile(join(folder, 'adapter_config.json'), JSON.stringify({ ...config, ...changes.config }));
    const copy = new Map(tensors);
    changes.tensors?.(copy);
    await writeSafetensorsFile(join(folder, 'adapter_model.safetensors'), copy);
    return folder;
  }

  it('names a target module the model lacks', async () => {
    const folder = await broken('missing-target', { config: { target_modules: ['c_attn', 'q_proj'] } });
    await expect(loadHfPeftAdapter(folder, model)).rejects.toThrow(
      `${join(folder, 'adapter_config.json')}: target module "q_proj" matches no module of this gpt2 model (modules: transformer.h.0.attn.c_attn,`
    );
  });

  it('names a tensor of the wrong shape', async () => {
    const key = 'base_model.model.transformer.h.1.attn.c_attn.lora_B.weight';
    const folder = await broken('wrong-shape', { tensors: (map) => map.set(key, { shape: [32, 2], data: new Float32Array(64) }) });
    await expect(loadHfPeftAdapter(folder, model)).rejects.toThrow(
      `${join(folder, 'adapter_model.safetensors')}: tensor "${key}" has shape [32, 2] but [96, 2] is expected`
    );
  });

  it('names an r that disagrees with the tensors', async () => {
    const folder = await broken('wrong-r', { config: { r: 4 } });
    await expect(loadHfPeftAdapter(folder, model)).rejects.toThrow(
      `tensor "base_model.model.transformer.h.0.attn.c_attn.lora_A.weight" has rank 2 but ${join(folder, 'adapter_config.json')} says r is 4`
    );
  });

  it('names a missing tensor, an extra one, and settings fedtune does not apply', async () => {
    const missingKey = 'base_model.model.transformer.h.0.mlp.c_proj.lora_A.weight';
    const missing = await broken('missing-tensor', { tensors: (map) => map.delete(missingKey) });
    await expect(loadHfPeftAdapter(missing, model)).rejects.toThrow(`tensor "${missingKey}" is missing`);
    const extra = await broken('extra-tensor', { tensors: (map) => map.set('base_model.model.lm_head.weight', { shape: [1], data: new Float32Array(1) }) });
    await expect(loadHfPeftAdapter(extra, model)).rejects.toThrow('tensor "base_model.model.lm_head.weight" is not part of the expected layout');
    const dora = await broken('dora', { config: { use_dora: true } });
    await expect(loadHfPeftAdapter(dora, model)).rejects.toThrow('use_dora is true (a DoRA adapter); use a plain LoRA adapter.');
    const loraBias = await broken('lora-bias', { config: { lora_bias: true } });
    await expect(loadHfPeftAdapter(loraBias, model)).rejects.toThrow('lora_bias is true');
    const patterned = await broken('rank-pattern', { config: { rank_pattern: { c_attn: 4 } } });
    await expect(loadHfPeftAdapter(patterned, model)).rejects.toThrow('rank_pattern is {"c_attn":4}, which fedtune does not apply');
  });

  it("selects targets from PEFT's string forms: a regular expression over the whole path, and all-linear", async () => {
    const pattern = await broken('regex-targets', { config: { target_modules: String.raw`.*\.(c_attn|mlp\.c_proj)` } });
    const adapter = await loadHfPeftAdapter(pattern, model);
    expect(adapter.targetModules).toEqual(['transformer.h.0.attn.c_attn', 'transformer.h.0.mlp.c_proj', 'transformer.h.1.attn.c_attn', 'transformer.h.1.mlp.c_proj']);
    adapter.dispose();
    // all-linear adapts attn.c_proj and mlp.c_fc too, which this file has no factors for.
    const allLinear = await broken('all-linear', { config: { target_modules: 'all-linear' } });
    await expect(loadHfPeftAdapter(allLinear, model)).rejects.toThrow('tensor "base_model.model.transformer.h.0.attn.c_proj.lora_A.weight" is missing');
    const partial = await broken('partial-regex', { config: { target_modules: 'c_attn' } });
    await expect(loadHfPeftAdapter(partial, model)).rejects.toThrow('target_modules "c_attn" matches no module of this gpt2 model');
  });

  it('refuses to export a head the adapter trained in full', async () => {
    const lora = trainedLora(model, families[0]!);
    const head = indexLayout(lora.instance.layout).byName.get('lm_head.weight')!;
    lora.parameters[head.offset] = (lora.parameters[head.offset] as number) + 1;
    await expect(
      exportHfPeftAdapter(join(root, 'trained-head'), { model, adapter: lora.instance, parameters: lora.parameters, baseModelNameOrPath: 'gpt2' })
    ).rejects.toThrow('the adapter trained "lm_head.weight" in full, which such an adapter does not carry');
  });
});
