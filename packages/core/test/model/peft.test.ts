import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AdapterInstance, ParameterSpec } from '../../src/contracts/adapter.js';
import { CheckpointError, ConfigError } from '../../src/errors.js';
import { RandomStreams } from '../../src/random/counterRandom.js';
import { saveBaseModel } from '../../src/model/formats/baseModelFile.js';
import { headOnlyAdapter } from '../../src/model/adapters/headOnly.js';
import { createLoraAdapter, loraAdapter } from '../../src/model/adapters/lora.js';
import { mlpModules } from '../../src/model/architectures/mlp.js';
import { exportPeftAdapter, importPeftAdapter, PEFT_CONFIG_FILE, PEFT_WEIGHTS_FILE } from '../../src/model/formats/peft.js';
import { PEFT_BASE_CONFIG_FILE, PEFT_BASE_FOLDER, PEFT_BASE_WEIGHTS_FILE } from '../../src/model/formats/peftBase.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../../src/model/formats/safetensors.js';
import { useTfBackend } from '../../src/model/training/tfBackend.js';
import { randomMlp, temporaryFolder } from './fixtures.js';

beforeAll(async () => {
  await useTfBackend('cpu');
});

const modules = mlpModules({ inputSize: 784, hidden: [256, 128], numClasses: 10 });
const random = { seed: 1, round: 0, client: 0, stream: RandomStreams.initialisation };

function lora(rank: number, useRsLora = false): AdapterInstance {
  return createLoraAdapter({ useRsLora }).create(modules, { rank, alpha: 8, numClasses: 10, random });
}

function loraLayout(rank: number): readonly ParameterSpec[] {
  return lora(rank).layout;
}

function sizeOf(layout: readonly ParameterSpec[]): number {
  return layout.reduce((n, spec) => n + spec.shape.reduce((a, b) => a * b, 1), 0);
}

/** Values covering the awkward float32 cases: −0, subnormals, extremes, non-round fractions. */
function awkwardValues(length: number): Float32Array {
  const specials = [-0, 1.4e-45, -1.17549435e-38, 3.4028235e38, -1 / 3, 0.1, 1e-7];
  return Float32Array.from({ length }, (_, i) => specials[i % specials.length]! * (1 + i / length));
}

function bits(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

describe('PEFT export', () => {
  it('writes adapter_config.json and adapter_model.safetensors as PEFT names them', async () => {
    const folder = join(await temporaryFolder(), 'adapter');
    const adapter = lora(4);
    await exportPeftAdapter(folder, { adapter, parameters: awkwardValues(sizeOf(adapter.layout)) });

    expect((await readdir(folder)).sort()).toEqual([PEFT_CONFIG_FILE, PEFT_WEIGHTS_FILE]);
    expect(JSON.parse(await readFile(join(folder, PEFT_CONFIG_FILE), 'utf8'))).toEqual({
      peft_type: 'LORA',
      task_type: null,
      base_model_name_or_path: null,
      inference_mode: true,
      r: 4,
      lora_alpha: 8,
      lora_dropout: 0,
      target_modules: ['fc1', 'fc2'],
      modules_to_save: ['head'],
      bias: 'none',
      use_rslora: false,
      init_lora_weights: true,
      fan_in_fan_out: false,
    });

    const content = await readSafetensorsFile(join(folder, PEFT_WEIGHTS_FILE));
    expect(content.metadata).toEqual({ format: 'pt' });
    const shapes = Object.fromEntries([...content.tensors].map(([key, tensor]) => [key, [tensor.dtype, tensor.shape]]));
    expect(shapes).toEqual({
      'base_model.model.fc1.lora_A.weight': ['F32', [4, 784]],
      'base_model.model.fc1.lora_B.weight': ['F32', [256, 4]],
      'base_model.model.fc2.lora_A.weight': ['F32', [4, 256]],
      'base_model.model.fc2.lora_B.weight': ['F32', [128, 4]],
      'base_model.model.head.weight': ['F32', [10, 128]],
      'base_model.model.head.bias': ['F32', [10]],
    });
  });

  it('writes the base beside the adapter, names it ./base, and records the resized head', async () => {
    const root = await temporaryFolder();
    const base = randomMlp({ inputSize: 784, hidden: [256, 128], numClasses: 5 });
    const basePath = join(root, 'base-5.safetensors');
    await saveBaseModel(base, basePath);
    const folder = join(root, 'adapter');
    // A 10-class task on the 5-class base: the adapter's head has 10 outputs.
    const adapter = loraAdapter.create(base.modules, { rank: 2, alpha: 8, numClasses: 10, random });
    await exportPeftAdapter(folder, { adapter, parameters: awkwardValues(sizeOf(adapter.layout)), base: { path: basePath, model: base } });

    const config = JSON.parse(await readFile(join(folder, PEFT_CONFIG_FILE), 'utf8'));
    expect(config.base_model_name_or_path).toBe(`./${PEFT_BASE_FOLDER}`);
    const baseFolder = join(folder, config.base_model_name_or_path);
    expect((await readdir(baseFolder)).sort()).toEqual([PEFT_BASE_CONFIG_FILE, PEFT_BASE_WEIGHTS_FILE]);
    expect((await readFile(join(baseFolder, PEFT_BASE_WEIGHTS_FILE))).equals(await readFile(basePath))).toBe(true);
    expect(JSON.parse(await readFile(join(baseFolder, PEFT_BASE_CONFIG_FILE), 'utf8'))).toEqual({
      architecture: 'mlp',
      inputSize: 784,
      hidden: [256, 128],
      numClasses: 5,
      num_labels: 10,
    });
    const { tensors } = await readSafetensorsFile(join(folder, PEFT_WEIGHTS_FILE));
    expect(tensors.get('base_model.model.head.weight')?.shape).toEqual([10, 128]);
    base.dispose();
  });

  it('imports back bit-exactly, rsLoRA included', async () => {
    const folder = await temporaryFolder();
    const adapter = lora(2, true);
    const parameters = awkwardValues(sizeOf(adapter.layout));
    await exportPeftAdapter(folder, { adapter, parameters });
    const imported = await importPeftAdapter(folder, adapter.layout);
    expect(bits(imported.parameters)).toEqual(bits(parameters));
    expect(imported.config).toMatchObject({ r: 2, lora_alpha: 8, use_rslora: true, base_model_name_or_path: null });
  });

  it('refuses an adapter without a PEFT form, and a form that does not describe the layout', async () => {
    const folder = await temporaryFolder();
    const headOnly = headOnlyAdapter.create(modules, { rank: 4, alpha: 8, numClasses: 10, random });
    expect(headOnly.peftLora).toBeUndefined();
    await expect(exportPeftAdapter(folder, { adapter: headOnly, parameters: new Float32Array(1290) })).rejects.toThrow(
      /has no PEFT LoRA form/
    );
    const full = lora(4);
    const parameters = new Float32Array(sizeOf(full.layout));
    const misdescribed = (change: object) => ({ layout: full.layout, peftLora: { ...full.peftLora!, ...change } });
    await expect(exportPeftAdapter(folder, { adapter: misdescribed({ rank: 2 }), parameters })).rejects.toThrow(
      /its rank is 2 but the layout's is 4/
    );
    await expect(exportPeftAdapter(folder, { adapter: misdescribed({ targetModules: ['fc1'] }), parameters })).rejects.toThrow(
      /target modules are \[fc1\] but the layout adapts \[fc1, fc2\]/
    );
    await expect(exportPeftAdapter(folder, { adapter: misdescribed({ alpha: 0 }), parameters })).rejects.toThrow(ConfigError);
    const odd = { layout: [{ name: 'fc1.scale', shape: [1] }], peftLora: full.peftLora };
    await expect(exportPeftAdapter(folder, { adapter: odd, parameters: new Float32Array(1) })).rejects.toThrow(/"fc1\.scale"/);
    expect(await readdir(folder)).toEqual([]);
  });
});

describe('PEFT import', () => {
  async function exported(): Promise<{ folder: string; layout: readonly ParameterSpec[] }> {
    const folder = await temporaryFolder();
    const adapter = lora(4);
    await exportPeftAdapter(folder, { adapter, parameters: awkwardValues(sizeOf(adapter.layout)) });
    return { folder, layout: adapter.layout };
  }

  it('names a missing key', async () => {
    const { folder, layout } = await exported();
    const path = join(folder, PEFT_WEIGHTS_FILE);
    const content = await readSafetensorsFile(path);
    content.tensors.delete('base_model.model.fc2.lora_B.weight');
    await writeSafetensorsFile(path, content.tensors, content.metadata);
    await expect(importPeftAdapter(folder, layout)).rejects.toThrow(CheckpointError);
    await expect(importPeftAdapter(folder, layout)).rejects.toThrow(
      /"base_model\.model\.fc2\.lora_B\.weight" is missing/
    );
  });

  it('names a key whose shape differs from the layout', async () => {
    const { folder } = await exported();
    const otherModules = mlpModules({ inputSize: 784, hidden: [256, 64], numClasses: 10 });
    const layout = loraAdapter.create(otherModules, { rank: 4, alpha: 8, numClasses: 10, random }).layout;
    await expect(importPeftAdapter(folder, layout)).rejects.toThrow(
      /"base_model\.model\.fc2\.lora_B\.weight" has shape \[128, 4\] but \[64, 4\] is expected/
    );
  });

  it('rejects a rank other than the layout’s, and keys the layout does not have', async () => {
    const { folder } = await exported();
    await expect(importPeftAdapter(folder, loraLayout(2))).rejects.toThrow(/r is 4 but the adapter layout has rank 2/);
    const fc1Only = loraAdapter.create(modules, {
      rank: 4,
      alpha: 8,
      numClasses: 10,
      random,
      targetModules: ['fc1'],
    }).layout;
    await expect(importPeftAdapter(folder, fc1Only)).rejects.toThrow(
      /"base_model\.model\.fc2\.lora_A\.weight" is not part/
    );
  });

  it('rejects a folder without a LoRA config', async () => {
    const folder = await temporaryFolder();
    await expect(importPeftAdapter(folder, loraLayout(4))).rejects.toThrow(CheckpointError);
  });
});
