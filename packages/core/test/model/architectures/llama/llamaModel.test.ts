import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DataError, ShapeError } from '../../../../src/errors.js';
import { frozenLinear, type LinearFunction } from '../../../../src/model/architectures/baseModel.js';
import { HF_PAD_ID, type CausalLanguageModel } from '../../../../src/model/architectures/huggingface/hfArchitecture.js';
import { hfArchitectureFor } from '../../../../src/model/architectures/huggingface/hfArchitectureRegistry.js';
import { llamaArchitecture } from '../../../../src/model/architectures/llama/index.js';
import { loadHfModel } from '../../../../src/model/formats/huggingface/index.js';
import { loraAdapter } from '../../../../src/model/adapters/lora.js';
import { indexLayout } from '../../../../src/model/adapters/parameterLayout.js';
import { useTfBackend } from '../../../../src/model/training/tfBackend.js';
import { LocalTrainer } from '../../../../src/model/training/trainer.js';
import { RandomStreams } from '../../../../src/random/counterRandom.js';
import { range, temporaryFolder } from '../../fixtures.js';
import { buildLlamaFromFolder, llamaConfigJson, writeLlamaFolder } from './llamaFolder.js';

beforeAll(async () => {
  await useTfBackend('cpu');
});

const gqa = llamaArchitecture.parseConfig(llamaConfigJson({ kvHeads: 2, headDim: 12 }), 'config.json');

const frozenOnly =
  (model: CausalLanguageModel): LinearFunction =>
  (module, x) =>
    frozenLinear(x, model.frozen.get(module.name)!);

describe('LLaMA tensors and modules', () => {
  it('is the family the Hugging Face loader picks for LlamaForCausalLM and for model_type llama', () => {
    expect(hfArchitectureFor(llamaConfigJson(), 'config.json')).toBe(llamaArchitecture);
    expect(hfArchitectureFor({ model_type: 'llama' }, 'config.json')).toBe(llamaArchitecture);
  });

  it('expects the state_dict tensors with grouped-query shapes (4 query heads of 12 on 2 key/value heads)', () => {
    const expected = llamaArchitecture.expectedTensors(gqa);
    const shapes = Object.fromEntries([...expected].map(([name, { shape }]) => [name, shape]));
    expect(shapes).toMatchObject({
      'model.embed_tokens.weight': [103, 32],
      'model.layers.1.input_layernorm.weight': [32],
      'model.layers.1.self_attn.q_proj.weight': [48, 32],
      'model.layers.1.self_attn.k_proj.weight': [24, 32],
      'model.layers.1.self_attn.v_proj.weight': [24, 32],
      'model.layers.1.self_attn.o_proj.weight': [32, 48],
      'model.layers.1.post_attention_layernorm.weight': [32],
      'model.layers.1.mlp.gate_proj.weight': [64, 32],
      'model.layers.1.mlp.up_proj.weight': [64, 32],
      'model.layers.1.mlp.down_proj.weight': [32, 64],
      'model.norm.weight': [32],
      'lm_head.weight': [103, 32],
    });
    // 2 layers of 2 norms and 7 weights, the embedding, the final norm and the head; no biases.
    expect(expected.size).toBe(2 * 9 + 3);
    expect(expected.get('lm_head.weight')?.optional).not.toBe(true);
  });

  it('expects biases only where the config has them, and a head that tied checkpoints may leave out', () => {
    const config = llamaArchitecture.parseConfig(llamaConfigJson({ tied: true, attentionBias: true }), 'config.json');
    const expected = llamaArchitecture.expectedTensors(config);
    expect(expected.get('model.layers.0.self_attn.k_proj.bias')?.shape).toEqual([32]);
    expect(expected.get('model.layers.0.self_attn.o_proj.bias')?.shape).toEqual([32]);
    expect(expected.has('model.layers.0.mlp.up_proj.bias')).toBe(false);
    expect(expected.get('lm_head.weight')?.optional).toBe(true);
    const withMlpBias = llamaArchitecture.parseConfig(llamaConfigJson({ mlpBias: true }), 'config.json');
    expect(llamaArchitecture.expectedTensors(withMlpBias).get('model.layers.1.mlp.down_proj.bias')?.shape).toEqual([32]);
  });

  it('names linear modules by module path in forward order, the head last', async () => {
    const folder = await temporaryFolder();
    await writeLlamaFolder(folder, { kvHeads: 2, headDim: 12 });
    const model = await buildLlamaFromFolder(folder, 8);
    const layer0 = ['q_proj', 'k_proj', 'v_proj', 'o_proj'].map((p) => `model.layers.0.self_attn.${p}`);
    const mlp0 = ['gate_proj', 'up_proj', 'down_proj'].map((p) => `model.layers.0.mlp.${p}`);
    expect(model.modules.map((m) => m.name).slice(0, 7)).toEqual([...layer0, ...mlp0]);
    expect(model.modules).toHaveLength(2 * 7 + 1);
    expect(model.modules.filter((m) => m.isHead)).toEqual([{ name: 'lm_head', inFeatures: 32, outFeatures: 103, isHead: true }]);
    expect(model.modules.find((m) => m.name === 'model.layers.1.self_attn.k_proj')).toMatchObject({ inFeatures: 32, outFeatures: 24 });
    // Every module's frozen weight has the checkpoint's [out, in] shape.
    for (const module of model.modules) expect(model.frozen.get(module.name)?.weight.shape).toEqual([module.outFeatures, module.inFeatures]);
    // PEFT's defaults select modules of this model by suffix, as PEFT matches them.
    for (const target of llamaArchitecture.defaultTargetModules) {
      expect(model.modules.filter((m) => m.name.endsWith(`.${target}`))).toHaveLength(2);
    }
    expect([model.architecture, model.modelType, model.inputSize, model.contextLength, model.numClasses]).toEqual([
      'llama',
      'llama',
      8,
      8,
      103,
    ]);
    model.dispose();
  });

  it('knows the canonical names, drops the rotary inv_freq buffer and knows no others', () => {
    const name = llamaArchitecture.canonicalTensorName;
    for (const known of [
      'model.embed_tokens.weight',
      'model.layers.0.input_layernorm.weight',
      'model.layers.11.self_attn.q_proj.weight',
      'model.layers.3.self_attn.o_proj.bias',
      'model.layers.2.mlp.gate_proj.weight',
      'model.layers.2.mlp.down_proj.bias',
      'model.layers.0.post_attention_layernorm.weight',
      'model.norm.weight',
      'lm_head.weight',
    ]) {
      expect(name(known)).toBe(known);
    }
    expect(name('model.layers.0.self_attn.rotary_emb.inv_freq')).toBeNull();
    for (const unknown of [
      'transformer.h.0.attn.c_attn.weight',
      'model.layers.01.input_layernorm.weight',
      'model.layers.0.self_attn.q_proj.lora_A.weight',
      'model.layers.0.selfXattn.q_proj.weight',
      'model.layers.0.input_layernorm.bias',
      'lm_head.bias',
      'model.rotary_emb.inv_freq',
    ]) {
      expect(name(unknown)).toBeUndefined();
    }
  });

  it('allows contexts up to max_position_embeddings', async () => {
    expect(llamaArchitecture.maxContextLength(gqa)).toBe(16);
    const folder = await temporaryFolder();
    await writeLlamaFolder(folder);
    await expect(buildLlamaFromFolder(folder, 17)).rejects.toThrow(ConfigError);
    await expect(buildLlamaFromFolder(folder, 17)).rejects.toThrow('A LLaMA context length of 17 is not possible: it must be an integer from 1 to 16 (max_position_embeddings)');
    const model = await buildLlamaFromFolder(folder, 6);
    expect(() => model.positionLogits(tf.zeros([1, 7]), frozenOnly(model))).toThrow(ShapeError);
    model.dispose();
  });

  it('refuses token ids outside the vocabulary and padding before tokens, naming the row and position', async () => {
    const folder = await temporaryFolder();
    await writeLlamaFolder(folder);
    const model = await buildLlamaFromFolder(folder, 6);
    const linear = frozenOnly(model);
    const run = (rows: number[][]) => () => model.forward(tf.tensor2d(rows), linear);
    expect(run([[1, 2, 103]])).toThrow(DataError);
    expect(run([[1, 2, 103]])).toThrow(/Token id 103 \(row 0, position 2\) is not a token of this LLaMA, whose ids are 0 to 102 with -1 for padding/);
    expect(run([[1], [-2]])).toThrow(/Token id -2 \(row 1, position 0\)/);
    expect(run([[2.5]])).toThrow(/Token id 2.5/);
    expect(run([[1, HF_PAD_ID, 3]])).toThrow(DataError);
    expect(run([[1, HF_PAD_ID, 3]])).toThrow(/Row 0 has token 3 at position 2, after padding at position 1; pad sequences on the right only/);
    expect(() => model.positionLogits(tf.tensor2d([[103 + 5]]), linear)).toThrow(DataError);
    expect(() => model.positionLogits(tf.zeros([1, 7]), linear)).toThrow(/7 positions; this LLaMA takes 1 to 6/);
    model.dispose();
  });

  it('keeps the family as metadata architecture and the config.json class as hfClass, through the loader', async () => {
    const folder = await temporaryFolder();
    await writeLlamaFolder(folder);
    const { model } = await loadHfModel(folder, { contextLength: 8 });
    expect(model.metadata).toMatchObject({ modelType: 'llama', hfClass: 'LlamaForCausalLM', architecture: 'llama', contextLength: '8' });
    expect(model.metadata['architecture']).toBe(model.architecture);
    model.dispose();
  });

  it('releases every tensor it made on dispose, tied or not', async () => {
    for (const tied of [false, true]) {
      const folder = await temporaryFolder();
      await writeLlamaFolder(folder, { tied, attentionBias: true });
      const before = tf.memory().numTensors;
      const model = await buildLlamaFromFolder(folder, 8);
      tf.tidy(() => {
        model.forward(tf.fill([2, 8], HF_PAD_ID), frozenOnly(model));
      });
      expect(tf.memory().numTensors).toBeGreaterThan(before);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('LoRA on LLaMA', () => {
  it('fine-tunes through rotary attention, RMSNorm and the gated MLP', async () => {
    const folder = await temporaryFolder();
    await writeLlamaFolder(folder, { kvHeads: 2 });
    const model = await buildLlamaFromFolder(folder, 6);
    const random = { seed: 3, round: 0, client: 0, stream: RandomStreams.initialisation };
    const targets = ['model.layers.0.self_attn.q_proj', 'model.layers.0.self_attn.v_proj', 'model.layers.1.mlp.down_proj'];
    const lora = loraAdapter.create(model.modules, { rank: 2, alpha: 4, numClasses: 2, targetModules: targets, random });
    // Two classes told apart by the first token only, read at the last real token of right-padded rows.
    const count = 16;
    const features = new Float32Array(count * 6).fill(HF_PAD_ID);
    const labels = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      labels[i] = i % 2;
      features.set([i % 2 === 0 ? 40 : 60, 7 + (i % 5), 9], i * 6);
    }
    const data = { count, featureSize: 6, numClasses: 2, features, labels };
    const trainer = new LocalTrainer(model, lora, { epochs: 30, batchSize: 8, learningRate: 0.05, optimizer: 'adam' });
    const start = lora.initialParameters(model.frozen);
    const before = await trainer.evaluate(start, data);
    const result = await trainer.train(start, { clientId: 0, source: data, indices: range(count) }, random);
    const after = await trainer.evaluate(result.parameters, data);
    expect(after.loss).toBeLessThan(before.loss / 2);
    expect(after.accuracy).toBe(1);
    // The query projection's LoRA factor moved: gradients reach it through the rotary embedding and attention.
    const slot = indexLayout(lora.layout).byName.get('model.layers.0.self_attn.q_proj.lora_B.weight')!;
    expect(result.parameters.subarray(slot.offset, slot.offset + slot.size).some((v) => v !== 0)).toBe(true);
    trainer.dispose();
    model.dispose();
  });
});
