import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AdapterInstance } from '../../src/contracts/adapter.js';
import { BOS_TOKEN, PAD_TOKEN } from '../../src/data/text/byteTokenizer.js';
import { CheckpointError } from '../../src/errors.js';
import { RandomStreams } from '../../src/random/counterRandom.js';
import {
  frozenLinear,
  hostFromFrozen,
  hostTensorsFromFrozen,
  type BaseModel,
  type LinearFunction,
} from '../../src/model/architectures/baseModel.js';
import { loadBaseModel, saveBaseModel } from '../../src/model/formats/baseModelFile.js';
import { loraAdapter } from '../../src/model/adapters/lora.js';
import { indexLayout } from '../../src/model/adapters/parameterLayout.js';
import { exportPeftAdapter, PEFT_CONFIG_FILE } from '../../src/model/formats/peft.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../../src/model/formats/safetensors.js';
import { useTfBackend } from '../../src/model/training/tfBackend.js';
import { LocalTrainer } from '../../src/model/training/trainer.js';
import { ensureTrainingGradients } from '../../src/model/training/tfGradients.js';
import {
  byteTransformerConfig,
  createTransformer,
  initialTransformerWeights,
  transformerModules,
  transformerTensorShapes,
  type TransformerConfig,
} from '../../src/model/architectures/transformer.js';
import { gelu } from '../../src/model/architectures/transformerLayers.js';
import { range, temporaryFolder } from './fixtures.js';

beforeAll(async () => {
  await useTfBackend('cpu');
});

const config = byteTransformerConfig({ contextLength: 6, dModel: 8, layers: 2, heads: 2, numClasses: 5 });

/** A transformer with GPT-2 initial weights, its layer norms and biases perturbed so that every tensor matters. */
function randomTransformer(settings: TransformerConfig = config, seed = 4) {
  const { weights, tensors } = initialTransformerWeights(settings, {
    seed,
    round: 0,
    client: 0,
    stream: RandomStreams.initialisation,
  });
  const wiggle = (values: Float32Array) => values.map((v, i) => v + 0.1 * Math.sin(i + values.length));
  for (const host of weights.values()) host.bias = wiggle(host.bias!);
  for (const host of tensors.values()) host.data = wiggle(host.data);
  return createTransformer(settings, weights, tensors, { corpus: 'test' });
}

const frozenOnly =
  (base: BaseModel): LinearFunction =>
  (module, x) =>
    frozenLinear(x, base.frozen.get(module.name)!);

function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

const sequences = [
  [BOS_TOKEN, 72, 105, 33, PAD_TOKEN, PAD_TOKEN],
  [BOS_TOKEN, 0xc3, 0xa4, 10, 255, 32],
];

describe('transformer', () => {
  it('names its linear modules PEFT-style, with one head, and its other tensors', () => {
    expect(transformerModules(config).map((m) => m.name)).toEqual([
      'blocks.0.attn.q',
      'blocks.0.attn.k',
      'blocks.0.attn.v',
      'blocks.0.attn.o',
      'blocks.0.mlp.fc1',
      'blocks.0.mlp.fc2',
      'blocks.1.attn.q',
      'blocks.1.attn.k',
      'blocks.1.attn.v',
      'blocks.1.attn.o',
      'blocks.1.mlp.fc1',
      'blocks.1.mlp.fc2',
      'head',
    ]);
    expect(transformerModules(config).filter((m) => m.isHead)).toHaveLength(1);
    expect([...transformerTensorShapes(config)]).toContainEqual(['embed.weight', [258, 8]]);
    expect([...transformerTensorShapes(config)]).toContainEqual(['pos.weight', [6, 8]]);
    expect(transformerTensorShapes(config).size).toBe(2 + 2 * 2 * 2 + 2);
  });

  it('computes GELU in its tanh form', () => {
    const x = [-3, -1, -0.2, 0, 0.5, 2];
    const expected = x.map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))));
    values(gelu(tf.tensor1d(x))).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  });

  it('gives [batch, head outputs], read at the last non-pad position', () => {
    const model = randomTransformer();
    const x = tf.tensor2d(sequences);
    const logits = model.forward(x, frozenOnly(model));
    expect(logits.shape).toEqual([2, 5]);
    const all = model.positionLogits(x, frozenOnly(model));
    expect(all.shape).toEqual([12, 5]);
    // Row 0 ends at position 3 (then padding), row 1 uses every position.
    const rows = values(all);
    values(logits)
      .slice(0, 5)
      .forEach((v, i) => expect(v).toBeCloseTo(rows[3 * 5 + i]!, 5));
    values(logits)
      .slice(5)
      .forEach((v, i) => expect(v).toBeCloseTo(rows[11 * 5 + i]!, 5));
    model.dispose();
  });

  it('computes the last block from the read-out rows alone: the logits and LoRA gradients of every position read there', () => {
    ensureTrainingGradients();
    const model = randomTransformer();
    const random = { seed: 8, round: 0, client: 0, stream: RandomStreams.initialisation };
    // Every module of the last block adapted, B ≠ 0, so the gradients pass through each one.
    const lora = loraAdapter.create(model.modules, { rank: 2, alpha: 4, numClasses: 5, random });
    const start = lora.initialParameters(model.frozen).map((v, i) => (v === 0 ? 0.05 * Math.cos(i) : v));
    const layout = indexLayout(lora.layout);
    const params = new Map(
      layout.slots.map((slot) => [slot.spec.name, tf.variable(tf.tensor(start.subarray(slot.offset, slot.offset + slot.size), slot.spec.shape))])
    );
    const linear: LinearFunction = (module, x) => {
      const frozen = model.frozen.get(module.name)!;
      return lora.linear(module, x, frozen, params) ?? frozenLinear(x, frozen);
    };
    const x = tf.tensor2d(sequences);
    const readRows = tf.tensor1d([3, 11], 'int32');
    const weights = tf.tensor2d([
      [1, -2, 3, 0.5, -1],
      [0.25, 2, -1, 1, 4],
    ]);
    const objective = (logits: () => tf.Tensor) => tf.variableGrads(() => tf.sum(tf.mul(logits(), weights)), [...params.values()]);
    const readOut = objective(() => model.forward(x, linear));
    const everyPosition = objective(() => tf.gather(model.positionLogits(x, linear), readRows));
    expect(values(readOut.value)).toEqual(values(everyPosition.value).map((v) => expect.closeTo(v, 5)));
    for (const variable of params.values()) {
      const [fromReadOut, fromAll] = [values(readOut.grads[variable.name]!), values(everyPosition.grads[variable.name]!)];
      expect(fromReadOut.some((v) => v !== 0)).toBe(true);
      fromReadOut.forEach((v, i) => expect(v).toBeCloseTo(fromAll[i]!, 5));
    }
    for (const variable of params.values()) variable.dispose();
    model.dispose();
  });

  it('is causal: changing a later token leaves every earlier position unchanged', () => {
    const model = randomTransformer();
    const base = values(model.positionLogits(tf.tensor2d([sequences[1]!]), frozenOnly(model)));
    for (let changed = 1; changed < 6; changed++) {
      const edited = sequences[1]!.slice();
      edited[changed] = 65;
      const after = values(model.positionLogits(tf.tensor2d([edited]), frozenOnly(model)));
      for (let position = 0; position < 6; position++) {
        const same = base.slice(position * 5, position * 5 + 5).every((v, i) => v === after[position * 5 + i]);
        expect(same, `position ${position} after changing ${changed}`).toBe(position < changed);
      }
    }
    model.dispose();
  });

  it('rejects sequences of another length', () => {
    const model = randomTransformer();
    expect(() => model.forward(tf.tensor2d([[1, 2, 3]]), frozenOnly(model))).toThrow(/3 positions .* takes 6/);
    model.dispose();
  });
});

/** Logits of `base` with `instance` attached, its trainable tensors set from `flat`. */
function adaptedLogits(base: BaseModel, instance: AdapterInstance, flat: Float32Array): number[] {
  return tf.tidy(() => {
    const params = new Map(
      indexLayout(instance.layout).slots.map((slot) => [
        slot.spec.name,
        tf.tensor(flat.subarray(slot.offset, slot.offset + slot.size), slot.spec.shape),
      ])
    );
    const linear: LinearFunction = (module, x) => {
      const frozen = base.frozen.get(module.name)!;
      return instance.linear(module, x, frozen, params) ?? frozenLinear(x, frozen);
    };
    return values(base.forward(tf.tensor2d(sequences), linear));
  });
}

describe('LoRA on the transformer', () => {
  const random = { seed: 3, round: 0, client: 0, stream: RandomStreams.initialisation };
  const targets = ['blocks.0.attn.q', 'blocks.0.attn.v', 'blocks.1.mlp.fc2'];

  it('attaches by module name, starts equal to the base and changes it only through the adapted modules', () => {
    const model = randomTransformer();
    const lora = loraAdapter.create(model.modules, { rank: 2, alpha: 4, numClasses: 5, targetModules: targets, random });
    expect(lora.layout.map((spec) => spec.name).slice(0, 2)).toEqual([
      'blocks.0.attn.q.lora_A.weight',
      'blocks.0.attn.q.lora_B.weight',
    ]);
    const start = lora.initialParameters(model.frozen);
    const base = values(model.forward(tf.tensor2d(sequences), frozenOnly(model)));
    expect(adaptedLogits(model, lora, start)).toEqual(base);

    // B ≠ 0: the adapted model must equal the base with each target's weight replaced by W + (α/r)·B·A.
    const trained = start.map((v, i) => (v === 0 ? 0.05 * Math.cos(i) : v));
    const adapted = adaptedLogits(model, lora, trained);
    expect(adapted).not.toEqual(base);
    const deltas = lora.mergedDeltas!(trained);
    expect([...deltas.keys()]).toEqual(targets);
    const weights = hostFromFrozen(model);
    for (const [name, delta] of deltas) {
      const host = weights.get(name)!;
      host.weight = host.weight.map((w, i) => w + delta[i]!);
    }
    const merged = createTransformer(config, weights, hostTensorsFromFrozen(model));
    const expected = values(merged.forward(tf.tensor2d(sequences), frozenOnly(merged)));
    adapted.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    for (const m of [model, merged]) m.dispose();
  });

  it('fine-tunes through attention, layer norm and the read-out, and exports in PEFT’s layout', async () => {
    const model = randomTransformer();
    const lora = loraAdapter.create(model.modules, { rank: 2, alpha: 4, numClasses: 2, targetModules: targets, random });
    // Two classes told apart by the second token only.
    const count = 16;
    const features = new Float32Array(count * 6).fill(PAD_TOKEN);
    const labels = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      labels[i] = i % 2;
      features.set([BOS_TOKEN, i % 2 === 0 ? 40 : 200, 7 + (i % 5)], i * 6);
    }
    const data = { count, featureSize: 6, numClasses: 2, features, labels };
    const trainer = new LocalTrainer(model, lora, { epochs: 30, batchSize: 8, learningRate: 0.05, optimizer: 'adam' });
    const start = lora.initialParameters(model.frozen);
    const before = await trainer.evaluate(start, data);
    const result = await trainer.train(start, { clientId: 0, source: data, indices: range(count) }, random);
    const after = await trainer.evaluate(result.parameters, data);
    expect(after.loss).toBeLessThan(before.loss / 2);
    expect(after.accuracy).toBe(1);
    // The LoRA factors themselves moved, not only the head.
    const bSlot = indexLayout(lora.layout).byName.get('blocks.0.attn.q.lora_B.weight')!;
    expect(result.parameters.subarray(bSlot.offset, bSlot.offset + bSlot.size).some((v) => v !== 0)).toBe(true);

    const folder = await temporaryFolder();
    await exportPeftAdapter(folder, { adapter: lora, parameters: result.parameters });
    const peft = JSON.parse(await readFile(join(folder, PEFT_CONFIG_FILE), 'utf8'));
    expect(peft.target_modules).toEqual(targets);
    expect(peft.modules_to_save).toEqual(['head']);
    trainer.dispose();
    model.dispose();
  });
});

describe('transformer checkpoints', () => {
  it('save and load every tensor, the metadata and the same outputs', async () => {
    const model = randomTransformer();
    const path = join(await temporaryFolder(), 'transformer.safetensors');
    await saveBaseModel(model, path);
    const loaded = await loadBaseModel(path);
    expect(loaded.architecture).toBe('transformer');
    expect(loaded.metadata).toEqual(model.metadata);
    expect(loaded.metadata).toMatchObject({ corpus: 'test', dModel: '8', layers: '2', heads: '2', contextLength: '6' });
    expect(hostFromFrozen(loaded)).toEqual(hostFromFrozen(model));
    expect(hostTensorsFromFrozen(loaded)).toEqual(hostTensorsFromFrozen(model));
    const x = tf.tensor2d(sequences);
    expect(values(loaded.forward(x, frozenOnly(loaded)))).toEqual(values(model.forward(x, frozenOnly(model))));

    // A checkpoint missing a layer norm is refused, naming the tensor.
    const content = await readSafetensorsFile(path);
    content.tensors.delete('ln_f.bias');
    const broken = join(await temporaryFolder(), 'broken.safetensors');
    await writeSafetensorsFile(broken, content.tensors, content.metadata);
    await expect(loadBaseModel(broken)).rejects.toThrow(CheckpointError);
    await expect(loadBaseModel(broken)).rejects.toThrow(/"ln_f.bias" is missing/);
    for (const m of [model, loaded]) m.dispose();
  });

  it('refuses metadata that describes no valid transformer', async () => {
    const model = randomTransformer();
    const path = join(await temporaryFolder(), 'bad.safetensors');
    const content = await (async () => {
      await saveBaseModel(model, path);
      return readSafetensorsFile(path);
    })();
    await writeSafetensorsFile(path, content.tensors, { ...content.metadata, heads: '3' });
    await expect(loadBaseModel(path)).rejects.toThrow(/dModel 8 is not a multiple of heads 3/);
    model.dispose();
  });
});
