import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, ConfigError, PluginError } from '../../src/errors.js';
import { registerArchitecture } from '../../src/model/architectures/architectureRegistry.js';
import { affine, frozenLinear, hostFromFrozen, type BaseModel } from '../../src/model/architectures/baseModel.js';
import { loadBaseModel, saveBaseModel } from '../../src/model/formats/baseModelFile.js';
import { createMlp, mlpArchitecture, mlpModules } from '../../src/model/architectures/mlp.js';
import { encodeSafetensors, readSafetensorsFile, writeSafetensorsFile } from '../../src/model/formats/safetensors.js';
import { ensureTrainingGradients } from '../../src/model/training/tfGradients.js';
import { useTfBackend } from '../../src/model/training/tfBackend.js';
import { randomMlp, temporaryFolder } from './fixtures.js';

beforeAll(async () => {
  await useTfBackend('cpu');
  ensureTrainingGradients();
});

function logits(model: BaseModel, rows: number[][]): number[][] {
  return tf.tidy(() => {
    const x = tf.tensor2d(rows);
    return model.forward(x, (module, input) => frozenLinear(input, model.frozen.get(module.name)!)).arraySync();
  });
}

describe('the MLP', () => {
  it('names its modules fc1 … fcK and head, in PyTorch [out, in] terms', () => {
    expect(mlpModules({ inputSize: 784, hidden: [256, 128], numClasses: 10 })).toEqual([
      { name: 'fc1', inFeatures: 784, outFeatures: 256, isHead: false },
      { name: 'fc2', inFeatures: 256, outFeatures: 128, isHead: false },
      { name: 'head', inFeatures: 128, outFeatures: 10, isHead: true },
    ]);
  });

  it('rejects a bad configuration', () => {
    expect(() => mlpModules({ inputSize: 4, hidden: [], numClasses: 2 })).toThrow(ConfigError);
    expect(() => mlpModules({ inputSize: 4, hidden: [3], numClasses: 0 })).toThrow(/numClasses/);
  });

  it('computes relu(x·W1ᵀ + b1)·W2ᵀ + b2 (worked by hand)', () => {
    // fc1: 2 → 2 with W1 = [[1, −1], [2, 0]], b1 = [0, −1]; head: 2 → 1 with W2 = [[1, 3]], b2 = [0.5].
    const model = createMlp(
      { inputSize: 2, hidden: [2], numClasses: 1 },
      new Map([
        ['fc1', { weight: Float32Array.of(1, -1, 2, 0), bias: Float32Array.of(0, -1) }],
        ['head', { weight: Float32Array.of(1, 3), bias: Float32Array.of(0.5) }],
      ])
    );
    // x = [1, 2]: fc1 = [−1, 1] → relu [0, 1] → 3 + 0.5. x = [3, 1]: fc1 = [2, 5] → 2 + 15 + 0.5.
    expect(
      logits(model, [
        [1, 2],
        [3, 1],
      ])
    ).toEqual([[3.5], [17.5]]);
    model.dispose();
  });
});

describe('frozenLinear', () => {
  it('matches x·Wᵀ + b, and its input gradient is dy·W', () => {
    const model = randomMlp({ inputSize: 5, hidden: [4], numClasses: 3 });
    const frozen = model.frozen.get('fc1')!;
    const x = tf.tensor2d([
      [0.5, -1, 2, 0, 0.25],
      [1, 1, -0.5, 3, -2],
    ]);
    const dy = tf.tensor2d([
      [1, -2, 0.5, 3],
      [0, 1, -1, 2],
    ]);
    const output = tf.tidy(() => frozenLinear(x, frozen).arraySync());
    const gradient = tf.tidy(() =>
      (
        tf.grad((input: tf.Tensor) => tf.sum(tf.mul(frozenLinear(input as tf.Tensor2D, frozen), dy)))(x) as tf.Tensor2D
      ).arraySync()
    );
    expectClose(
      output,
      tf.tidy(() => affine(x, frozen.weight, frozen.bias).arraySync())
    );
    expectClose(
      gradient,
      tf.tidy(() => tf.matMul<tf.Tensor2D>(dy, frozen.weight).arraySync())
    );
    tf.dispose([x, dy]);
    model.dispose();
  });
});

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.flat().forEach((value, i) => expect(value).toBeCloseTo(expected.flat()[i]!, 5));
}

describe('base model checkpoints', () => {
  it('round-trips weights, metadata and outputs through safetensors', async () => {
    const folder = await temporaryFolder();
    const path = join(folder, 'base.safetensors');
    const model = createMlp(
      { inputSize: 5, hidden: [4, 3], numClasses: 2 },
      randomMlpWeights({ inputSize: 5, hidden: [4, 3], numClasses: 2 }),
      { upstreamClasses: '[0,1]' }
    );
    await saveBaseModel(model, path);
    const content = await readSafetensorsFile(path);
    expect([...content.tensors.keys()]).toEqual([
      'fc1.bias',
      'fc1.weight',
      'fc2.bias',
      'fc2.weight',
      'head.bias',
      'head.weight',
    ]);
    expect(content.tensors.get('fc1.weight')?.shape).toEqual([4, 5]);
    expect(content.metadata).toEqual({
      architecture: 'mlp',
      inputSize: '5',
      hidden: '[4,3]',
      numClasses: '2',
      upstreamClasses: '[0,1]',
    });

    const loaded = await loadBaseModel(path);
    expect(loaded.modules).toEqual(model.modules);
    expect(loaded.metadata).toEqual(model.metadata);
    expect(hostFromFrozen(loaded)).toEqual(hostFromFrozen(model));
    const rows = [[0.1, -0.2, 0.3, 0.4, -0.5]];
    expect(logits(loaded, rows)).toEqual(logits(model, rows));
    model.dispose();
    loaded.dispose();
  });

  async function saveEdited(
    edit: (tensors: Map<string, { shape: number[]; data: Float32Array }>, metadata: Record<string, string>) => void
  ): Promise<string> {
    const folder = await temporaryFolder();
    const path = join(folder, 'base.safetensors');
    const model = randomMlp({ inputSize: 3, hidden: [2], numClasses: 2 });
    await saveBaseModel(model, path);
    model.dispose();
    const content = await readSafetensorsFile(path);
    const tensors = new Map(
      [...content.tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data as Float32Array }])
    );
    edit(tensors, content.metadata);
    await writeSafetensorsFile(path, tensors, content.metadata);
    return path;
  }

  it('rejects a tensor whose shape disagrees with the metadata', async () => {
    const path = await saveEdited((_, metadata) => {
      metadata['hidden'] = '[5]';
    });
    await expect(loadBaseModel(path)).rejects.toThrow(CheckpointError);
    await expect(loadBaseModel(path)).rejects.toThrow(/"fc1\.weight" has shape \[2, 3\] but \[5, 3\]/);
  });

  it('rejects a missing tensor, an unexpected one, and bad metadata', async () => {
    const missing = await saveEdited((tensors) => tensors.delete('head.weight'));
    await expect(loadBaseModel(missing)).rejects.toThrow(/"head\.weight" is missing/);
    const extra = await saveEdited((tensors) => tensors.set('fc9.weight', { shape: [1], data: Float32Array.of(0) }));
    await expect(loadBaseModel(extra)).rejects.toThrow(/"fc9\.weight" is not part/);
    const badMetadata = await saveEdited((_, metadata) => {
      metadata['inputSize'] = 'many';
    });
    await expect(loadBaseModel(badMetadata)).rejects.toThrow(/inputSize/);
  });

  it('rejects an unknown or missing architecture, listing the known ones', async () => {
    const folder = await temporaryFolder();
    const unknown = join(folder, 'unknown.safetensors');
    await writeFile(unknown, encodeSafetensors(new Map(), { architecture: 'resnet' }));
    await expect(loadBaseModel(unknown)).rejects.toThrow(/"resnet" is unknown; known architectures: mlp, transformer/);
    const none = join(folder, 'none.safetensors');
    await writeFile(none, encodeSafetensors(new Map()));
    await expect(loadBaseModel(none)).rejects.toThrow(/no "architecture" entry/);
  });

  it('refuses to register an architecture name twice', () => {
    expect(() => registerArchitecture(mlpArchitecture)).toThrow(PluginError);
  });
});

function randomMlpWeights(config: { inputSize: number; hidden: number[]; numClasses: number }) {
  const model = randomMlp(config);
  const host = hostFromFrozen(model);
  model.dispose();
  return host;
}
