import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, ConfigError, DataError, ShapeError } from '../../../../src/errors.js';
import {
  frozenLinear,
  hostFromFrozen,
  hostTensorsFromFrozen,
  type BaseModel,
  type LinearFunction,
} from '../../../../src/model/architectures/baseModel.js';
import { HF_PAD_ID, type CausalLanguageModel } from '../../../../src/model/architectures/huggingface/hfArchitecture.js';
import { MAX_HF_LAYERS } from '../../../../src/model/architectures/huggingface/hfConfigReader.js';
import { gpt2Architecture } from '../../../../src/model/architectures/gpt2/index.js';
import { geluErf } from '../../../../src/model/architectures/gpt2/gpt2Activation.js';
import { readSafetensorsFile } from '../../../../src/model/formats/safetensors.js';
import { useTfBackend } from '../../../../src/model/training/tfBackend.js';
import { ensureTrainingGradients } from '../../../../src/model/training/tfGradients.js';
import { temporaryFolder } from '../../fixtures.js';
import { GPT2_TEST_SIZES, gpt2CheckpointTensors, gpt2ConfigJson, writeGpt2Folder, type Gpt2FolderOptions } from '../../../../src/testing/gpt2Folder.js';
import { canonicalGpt2Tensors, loadGpt2Folder } from './gpt2FolderLoad.js';

beforeAll(async () => {
  await useTfBackend('cpu');
  ensureTrainingGradients();
});

const SOURCE = 'models/tiny-gpt2/config.json';
const { vocab, width: d, layers } = GPT2_TEST_SIZES;

const frozenOnly =
  (base: BaseModel): LinearFunction =>
  (module, x) =>
    frozenLinear(x, base.frozen.get(module.name)!);

function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  const largest = Math.max(...actual.map((v, i) => Math.abs(v - expected[i]!)));
  expect(largest).toBeLessThan(1e-5);
}

async function testModel(options: Gpt2FolderOptions = {}, contextLength = 12) {
  const folder = await temporaryFolder();
  await writeGpt2Folder(folder, options);
  return { folder, model: await loadGpt2Folder(folder, contextLength) };
}

describe('GPT-2 tensor names', () => {
  it('are GPT2LMHeadModel.state_dict() names, with or without the transformer. prefix', () => {
    const name = gpt2Architecture.canonicalTensorName;
    expect(name('transformer.h.0.attn.c_attn.weight')).toBe('transformer.h.0.attn.c_attn.weight');
    expect(name('h.0.attn.c_attn.weight')).toBe('transformer.h.0.attn.c_attn.weight');
    expect(name('h.11.mlp.c_proj.bias')).toBe('transformer.h.11.mlp.c_proj.bias');
    expect(name('wte.weight')).toBe('transformer.wte.weight');
    expect(name('transformer.wpe.weight')).toBe('transformer.wpe.weight');
    expect(name('ln_f.bias')).toBe('transformer.ln_f.bias');
    expect(name('transformer.h.3.ln_2.weight')).toBe('transformer.h.3.ln_2.weight');
    expect(name('lm_head.weight')).toBe('lm_head.weight');
  });

  it('drop the causal-mask buffers and know no other names', () => {
    const name = gpt2Architecture.canonicalTensorName;
    for (const buffer of ['h.0.attn.bias', 'transformer.h.5.attn.bias', 'h.2.attn.masked_bias', 'transformer.h.0.attn.masked_bias']) {
      expect(name(buffer), buffer).toBeNull();
    }
    for (const unknown of [
      'transformer.lm_head.weight',
      'lm_head.bias',
      'h.01.ln_1.weight',
      'h.0.attn.c_attn.lora_A.weight',
      'model.h.0.ln_1.weight',
      'transformer.transformer.wte.weight',
      'score.weight',
      'h.0.ln_1.bias.extra',
    ]) {
      expect(name(unknown), unknown).toBeUndefined();
    }
  });

  it('cover a real checkpoint: every stored tensor is known, and the canonical ones are exactly the expected set', async () => {
    const config = gpt2Architecture.parseConfig(gpt2ConfigJson({ tied: false }), SOURCE);
    const expected = gpt2Architecture.expectedTensors(config);
    for (const names of ['prefixed', 'bare'] as const) {
      const stored = gpt2CheckpointTensors({ names, tied: false, maskBuffers: true });
      const canonical = [...stored.keys()].map((key) => gpt2Architecture.canonicalTensorName(key));
      expect(canonical).not.toContain(undefined);
      expect(new Set(canonical.filter((key) => key !== null))).toEqual(new Set(expected.keys()));
      for (const [key, tensor] of stored) {
        const name = gpt2Architecture.canonicalTensorName(key);
        if (name !== null) expect(tensor.shape, key).toEqual(expected.get(name!)!.shape);
      }
    }
  });

  it('expect Conv1D weights [in, out] and lm_head only when untied', () => {
    const tied = gpt2Architecture.expectedTensors(gpt2Architecture.parseConfig(gpt2ConfigJson(), SOURCE));
    expect(tied.get('transformer.h.1.attn.c_attn.weight')).toEqual({ shape: [d, 3 * d] });
    expect(tied.get('transformer.h.1.mlp.c_fc.weight')).toEqual({ shape: [d, 4 * d] });
    expect(tied.get('transformer.h.1.mlp.c_proj.weight')).toEqual({ shape: [4 * d, d] });
    expect(tied.get('transformer.wpe.weight')).toEqual({ shape: [GPT2_TEST_SIZES.positions, d] });
    expect(tied.get('lm_head.weight')).toEqual({ shape: [vocab, d], optional: true });
    const untied = gpt2Architecture.expectedTensors(gpt2Architecture.parseConfig(gpt2ConfigJson({ tied: false }), SOURCE));
    expect(untied.get('lm_head.weight')).toEqual({ shape: [vocab, d], optional: false });
  });

  it('show a config that disagrees with the checkpoint: n_inner 64 expects MLP shapes the file does not have', async () => {
    const folder = await temporaryFolder();
    await writeGpt2Folder(folder, { nInner: 64, storedInner: 4 * d });
    const config = gpt2Architecture.parseConfig(gpt2ConfigJson({ nInner: 64 }), SOURCE);
    const expected = gpt2Architecture.expectedTensors(config);
    const stored = await canonicalGpt2Tensors(folder);
    const disagreeing = [...expected]
      .filter(([name, { shape, optional }]) => (stored.has(name) || optional !== true) && stored.get(name)?.shape.join() !== shape.join())
      .map(([name]) => name);
    expect(disagreeing).toEqual(
      Array.from({ length: layers }, (_, i) => [
        `transformer.h.${i}.mlp.c_fc.weight`,
        `transformer.h.${i}.mlp.c_fc.bias`,
        `transformer.h.${i}.mlp.c_proj.weight`,
      ]).flat()
    );
    await expect(loadGpt2Folder(folder, 8)).rejects.toThrow(/"transformer.h.0.mlp.c_fc.weight" is \[32, 128\], expected \[32, 64\]/);
  });
});

describe('GPT-2 config.json', () => {
  it('reads the sizes and applies Hugging Face defaults to the optional fields', () => {
    const json = gpt2ConfigJson();
    for (const field of ['n_inner', 'activation_function', 'layer_norm_epsilon', 'tie_word_embeddings', 'scale_attn_weights']) {
      delete json[field];
    }
    expect(gpt2Architecture.parseConfig(json, SOURCE)).toEqual({
      vocabSize: vocab,
      positions: GPT2_TEST_SIZES.positions,
      hiddenSize: d,
      layers,
      heads: GPT2_TEST_SIZES.heads,
      innerSize: 4 * d,
      activation: 'gelu_new',
      layerNormEpsilon: 1e-5,
      tieWordEmbeddings: true,
      scaleAttentionWeights: true,
    });
    const set = gpt2Architecture.parseConfig(
      gpt2ConfigJson({ nInner: 48, activation: 'gelu', layerNormEpsilon: 1e-3, tied: false, scaleAttnWeights: false }),
      SOURCE
    );
    expect(set).toMatchObject({ innerSize: 48, activation: 'gelu', layerNormEpsilon: 1e-3, tieWordEmbeddings: false, scaleAttentionWeights: false });
    expect(gpt2Architecture.maxContextLength(set)).toBe(GPT2_TEST_SIZES.positions);
  });

  const refusals: [string, Record<string, unknown>, RegExp][] = [
    ['a missing size', { n_layer: undefined }, /"n_layer" is absent; it must be a positive integer/],
    ['a zero size', { n_layer: 0 }, /"n_layer" is 0; it must be a positive integer/],
    ['a fractional size', { vocab_size: 100.5 }, /"vocab_size" is 100.5; it must be a positive integer/],
    ['a size written as a string', { n_positions: '16' }, /"n_positions" is "16"; it must be a positive integer/],
    ['a negative size', { n_embd: -32 }, /"n_embd" is -32; it must be a positive integer/],
    ['more blocks than the documented limit', { n_layer: MAX_HF_LAYERS + 1 }, new RegExp(`"n_layer" is ${MAX_HF_LAYERS + 1}; fedtune loads at most ${MAX_HF_LAYERS} layers`)],
    ['n_embd not divisible by n_head', { n_head: 5 }, /"n_head" is 5; "n_embd" 32 must be a multiple of it/],
    ['a zero n_inner', { n_inner: 0 }, /"n_inner" is 0; it must be a positive integer, or null for 4·n_embd/],
    ['an unknown activation', { activation_function: 'relu' }, /"activation_function" is "relu"; fedtune's GPT-2 supports "gelu_new", "gelu_pytorch_tanh", "gelu"/],
    ['a zero epsilon', { layer_norm_epsilon: 0 }, /"layer_norm_epsilon" is 0; it must be a positive number \(default 0.00001\)/],
    ['a non-boolean tie', { tie_word_embeddings: 'yes' }, /"tie_word_embeddings" is "yes"; it must be true or false \(default true\)/],
    ['a non-boolean scale', { scale_attn_weights: 1 }, /"scale_attn_weights" is 1; it must be true or false \(default true\)/],
    [
      'scores scaled by the inverse layer index',
      { scale_attn_by_inverse_layer_idx: true },
      /"scale_attn_by_inverse_layer_idx" is true; fedtune's GPT-2 supports only false/,
    ],
    ['cross-attention', { add_cross_attention: true }, /"add_cross_attention" is true; fedtune's GPT-2 supports only false/],
  ];
  for (const [what, change, message] of refusals) {
    it(`refuses ${what}, naming the file, the field, the value and what is supported`, () => {
      const json: Record<string, unknown> = { ...gpt2ConfigJson(), ...change };
      for (const [field, value] of Object.entries(change)) if (value === undefined) delete json[field];
      const read = () => gpt2Architecture.parseConfig(json, SOURCE);
      expect(read).toThrow(CheckpointError);
      expect(read).toThrow(new RegExp(`^${SOURCE}: ${message.source}`));
    });
  }
});

describe('GPT-2 model', () => {
  it('names its linear modules by module path, in forward order, lm_head last and the only head', async () => {
    const { model } = await testModel({ nInner: 48 });
    expect(model.modules.slice(0, 5)).toEqual([
      { name: 'transformer.h.0.attn.c_attn', inFeatures: d, outFeatures: 3 * d, isHead: false },
      { name: 'transformer.h.0.attn.c_proj', inFeatures: d, outFeatures: d, isHead: false },
      { name: 'transformer.h.0.mlp.c_fc', inFeatures: d, outFeatures: 48, isHead: false },
      { name: 'transformer.h.0.mlp.c_proj', inFeatures: 48, outFeatures: d, isHead: false },
      { name: 'transformer.h.1.attn.c_attn', inFeatures: d, outFeatures: 3 * d, isHead: false },
    ]);
    expect(model.modules.length).toBe(4 * layers + 1);
    expect(model.modules.at(-1)).toEqual({ name: 'lm_head', inFeatures: d, outFeatures: vocab, isHead: true });
    expect(model.modules.filter((module) => module.isHead).length).toBe(1);
    expect(model.frozen.get('lm_head')!.bias).toBeUndefined();
    expect(gpt2Architecture.defaultTargetModules).toEqual(['c_attn']);
    expect(model).toMatchObject({ architecture: 'gpt2', modelType: 'gpt2', contextLength: 12, inputSize: 12, numClasses: vocab, vocabSize: vocab, hiddenSize: d });
    expect(model.metadata).toEqual({ source: expect.any(String), architecture: 'gpt2', contextLength: '12' });
    model.dispose();
  });

  it('holds Conv1D weights transposed to [out, in], and ties lm_head to wte over a stored lm_head.weight', async () => {
    const { folder, model } = await testModel({ tied: true, storeHead: true });
    const stored = (await readSafetensorsFile(join(folder, 'model.safetensors'))).tensors;
    const conv = stored.get('transformer.h.1.attn.c_attn.weight')!;
    const held = hostFromFrozen(model).get('transformer.h.1.attn.c_attn')!.weight;
    for (const [i, o] of [[0, 0], [3, 70], [d - 1, 3 * d - 1], [17, 5]] as const) {
      expect(held[o * d + i]).toBe(conv.data[i * 3 * d + o]);
    }
    const wte = stored.get('transformer.wte.weight')!.data;
    expect(hostFromFrozen(model).get('lm_head')!.weight).toEqual(wte);
    expect(hostFromFrozen(model).get('lm_head')!.weight).not.toEqual(stored.get('lm_head.weight')!.data);
    expect(hostTensorsFromFrozen(model).get('transformer.wte.weight')!.data).toEqual(wte);
    model.dispose();

    const untied = await testModel({ tied: false });
    const untiedStored = (await readSafetensorsFile(join(untied.folder, 'model.safetensors'))).tensors;
    expect(hostFromFrozen(untied.model).get('lm_head')!.weight).toEqual(untiedStored.get('lm_head.weight')!.data);
    untied.model.dispose();
  });

  it('releases every tensor it made on dispose, tied or not', async () => {
    for (const tied of [true, false]) {
      const folder = await temporaryFolder();
      await writeGpt2Folder(folder, { tied });
      const before = tf.memory().numTensors;
      const model = await loadGpt2Folder(folder, 8);
      tf.tidy(() => {
        model.forward(tf.tensor2d([[1, 2, HF_PAD_ID]]), frozenOnly(model));
      });
      expect(tf.memory().numTensors).toBeGreaterThan(before);
      model.dispose();
      expect(tf.memory().numTensors, `tied ${tied}`).toBe(before);
    }
  });

  it('reads each row at its last real token, padding embedded as token 0 and never seen by earlier tokens', async () => {
    const { model } = await testModel();
    const linear = frozenOnly(model);
    const rows = [
      [5, 9, 14, 2, 80, 33],
      [5, 9, 14, HF_PAD_ID, HF_PAD_ID, HF_PAD_ID],
      [5, HF_PAD_ID, HF_PAD_ID, HF_PAD_ID, HF_PAD_ID, HF_PAD_ID],
    ];
    const positions = model.positionLogits(tf.tensor2d(rows), linear).arraySync();
    const last = model.forward(tf.tensor2d(rows), linear).arraySync();
    // Causal: the padded rows agree with the full row wherever they hold the same tokens.
    expectClose(positions[6 + 2]!, positions[2]!);
    expectClose(last[0]!, positions[5]!);
    expectClose(last[1]!, positions[6 + 2]!);
    expectClose(last[2]!, positions[12]!);
    // Padding is token 0 at its position.
    const zeroed = model.positionLogits(tf.tensor2d([[5, 9, 14, 0, 0, 0]]), linear).arraySync();
    zeroed.forEach((row, p) => expectClose(row, positions[6 + p]!));
    model.dispose();
  });

  it('refuses a context length beyond n_positions, sequences beyond it, ids outside the vocabulary and padding before tokens', async () => {
    const folder = await temporaryFolder();
    await writeGpt2Folder(folder);
    await expect(loadGpt2Folder(folder, 17)).rejects.toThrow(ConfigError);
    await expect(loadGpt2Folder(folder, 17)).rejects.toThrow(/context length of 17 .* from 1 to 16 \(n_positions\)/);
    await expect(loadGpt2Folder(folder, 0)).rejects.toThrow(ConfigError);
    const model = await loadGpt2Folder(folder, 4);
    const linear = frozenOnly(model);
    const run = (rows: number[][]) => () => model.forward(tf.tensor2d(rows), linear);
    expect(run([[1, 2, 3, 4, 5]])).toThrow(ShapeError);
    expect(run([[1, 2, 3, 4, 5]])).toThrow(/5 positions; this GPT-2 takes 1 to 4/);
    expect(run([[1, 2, vocab]])).toThrow(DataError);
    expect(run([[1, 2, vocab]])).toThrow(/Token id 101 \(row 0, position 2\) is not a token of this GPT-2, whose ids are 0 to 100 with -1 for padding/);
    expect(run([[1], [-2]])).toThrow(/Token id -2 \(row 1, position 0\)/);
    expect(run([[1.5]])).toThrow(/Token id 1.5/);
    expect(run([[1, HF_PAD_ID, 3]])).toThrow(DataError);
    expect(run([[1, HF_PAD_ID, 3]])).toThrow(/Row 0 has token 3 at position 2, after padding at position 1; pad sequences on the right only/);
    expect(() => model.positionLogits(tf.tensor2d([[vocab + 5]]), linear)).toThrow(DataError);
    model.dispose();
  });

  it('refuses to build from tensors missing one or shaped otherwise', async () => {
    const folder = await temporaryFolder();
    await writeGpt2Folder(folder, { tied: false });
    const config = gpt2Architecture.parseConfig(gpt2ConfigJson({ tied: false }), SOURCE);
    const options = { contextLength: 8, metadata: {} };
    const missing = await canonicalGpt2Tensors(folder);
    missing.delete('lm_head.weight');
    expect(() => gpt2Architecture.build(config, missing, options)).toThrow(/GPT-2 tensor "lm_head.weight" is missing/);
    const misshapen = await canonicalGpt2Tensors(folder);
    misshapen.set('transformer.ln_f.bias', { shape: [d + 1], data: new Float32Array(d + 1) });
    expect(() => gpt2Architecture.build(config, misshapen, options)).toThrow(ShapeError);
    expect(() => gpt2Architecture.build(config, misshapen, options)).toThrow(/"transformer.ln_f.bias" is \[33\] with 33 values; this config needs \[32\]/);
  });
});

describe('GPT-2 gradients', () => {
  /** The derivative of a weighted sum of the logits along `direction`, for a change added to block 0's c_attn output. */
  function directionalDerivatives(model: CausalLanguageModel) {
    const rows = [
      [4, 8, 15, 16, 23, 42],
      [7, 7, 99, HF_PAD_ID, HF_PAD_ID, HF_PAD_ID],
    ];
    return tf.tidy(() => {
      const ids = tf.tensor2d(rows);
      const outputWeights = tf.sin(tf.reshape(tf.range(0, 12 * vocab), [12, vocab]));
      const direction = tf.cos(tf.reshape(tf.range(0, 12 * 3 * d), [12, 3 * d]));
      const loss = (change: tf.Tensor) =>
        tf.sum(
          tf.mul(
            model.positionLogits(ids, (module, x) => {
              const y = frozenLinear(x, model.frozen.get(module.name)!);
              return module.name === 'transformer.h.0.attn.c_attn' ? tf.add(y, change) : y;
            }),
            outputWeights
          )
        ) as tf.Scalar;
      const zero = tf.zeros([12, 3 * d]);
      const analytic = tf.sum(tf.mul(tf.grad(loss)(zero), direction)).dataSync()[0]!;
      const step = 1e-2;
      const numeric = (loss(tf.mul(direction, step)).dataSync()[0]! - loss(tf.mul(direction, -step)).dataSync()[0]!) / (2 * step);
      return { analytic, numeric };
    });
  }

  for (const activation of ['gelu_new', 'gelu']) {
    it(`reach block 0's c_attn through attention, the ${activation} MLP and every later block`, async () => {
      const { model } = await testModel({ activation }, 6);
      const { analytic, numeric } = directionalDerivatives(model);
      expect(Math.abs(analytic)).toBeGreaterThan(1);
      expect(Math.abs(analytic - numeric), `analytic ${analytic}, numeric ${numeric}`).toBeLessThan(2e-2 * Math.abs(analytic));
      model.dispose();
    });
  }

  it('of the exact GELU are ½(1 + erf(x/√2)) + x·φ(x)', () => {
    const x = [-3, -1.2, -0.3, 0, 0.4, 1, 2.5];
    const gradient = tf.tidy(() => tf.grad((input: tf.Tensor) => tf.sum(geluErf(input)))(tf.tensor1d(x)).arraySync() as number[]);
    const step = 1e-3;
    const exactGelu = (v: number) => 0.5 * v * (1 + erfReference(v / Math.SQRT2));
    gradient.forEach((g, i) => {
      const v = x[i]!;
      expect(g).toBeCloseTo((exactGelu(v + step) - exactGelu(v - step)) / (2 * step), 4);
    });
  });
});

/** erf to double precision by its Maclaurin series (enough terms for |x| ≤ 3). */
function erfReference(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
