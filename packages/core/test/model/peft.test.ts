import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParameterSpec } from '../../src/contracts/adapter.js';
import { CheckpointError, ConfigError } from '../../src/errors.js';
import { RandomStreams } from '../../src/random/counterRandom.js';
import { headOnlyAdapter } from '../../src/model/headOnly.js';
import { loraAdapter } from '../../src/model/lora.js';
import { mlpModules } from '../../src/model/mlp.js';
import {
  exportPeftAdapter,
  importPeftAdapter,
  isPeftExportable,
  PEFT_CONFIG_FILE,
  PEFT_WEIGHTS_FILE,
} from '../../src/model/peft.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../../src/model/safetensors.js';
import { temporaryFolder } from './fixtures.js';

const modules = mlpModules({ inputSize: 784, hidden: [256, 128], numClasses: 10 });
const random = { seed: 1, round: 0, client: 0, stream: RandomStreams.initialisation };

function loraLayout(rank: number): readonly ParameterSpec[] {
  return loraAdapter.create(modules, { rank, alpha: 8, numClasses: 10, random }).layout;
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
    const layout = loraLayout(4);
    const parameters = awkwardValues(layout.reduce((n, spec) => n + spec.shape.reduce((a, b) => a * b, 1), 0));
    await exportPeftAdapter(folder, { layout, parameters, alpha: 8, baseModelNameOrPath: 'fashion-mnist-mlp' });

    expect((await readdir(folder)).sort()).toEqual([PEFT_CONFIG_FILE, PEFT_WEIGHTS_FILE]);
    expect(JSON.parse(await readFile(join(folder, PEFT_CONFIG_FILE), 'utf8'))).toEqual({
      peft_type: 'LORA',
      task_type: null,
      base_model_name_or_path: 'fashion-mnist-mlp',
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

  it('imports back bit-exactly', async () => {
    const folder = await temporaryFolder();
    const layout = loraLayout(2);
    const parameters = awkwardValues(layout.reduce((n, spec) => n + spec.shape.reduce((a, b) => a * b, 1), 0));
    await exportPeftAdapter(folder, { layout, parameters, alpha: 16, useRsLora: true });
    const imported = await importPeftAdapter(folder, layout);
    expect(bits(imported.parameters)).toEqual(bits(parameters));
    expect(imported.config).toMatchObject({ r: 2, lora_alpha: 16, use_rslora: true, base_model_name_or_path: null });
  });

  it('refuses layouts PEFT LoRA cannot hold', async () => {
    const folder = await temporaryFolder();
    const headOnly = headOnlyAdapter.create(modules, { rank: 4, alpha: 8, numClasses: 10, random }).layout;
    expect(isPeftExportable(headOnly)).toBe(false);
    expect(isPeftExportable(loraLayout(4))).toBe(true);
    await expect(
      exportPeftAdapter(folder, { layout: headOnly, parameters: new Float32Array(1290), alpha: 8 })
    ).rejects.toThrow(ConfigError);
    const odd = [{ name: 'fc1.scale', shape: [1] }];
    expect(isPeftExportable(odd)).toBe(false);
    await expect(exportPeftAdapter(folder, { layout: odd, parameters: new Float32Array(1), alpha: 8 })).rejects.toThrow(
      /"fc1\.scale"/
    );
  });
});

describe('PEFT import', () => {
  async function exported(): Promise<{ folder: string; layout: readonly ParameterSpec[] }> {
    const folder = await temporaryFolder();
    const layout = loraLayout(4);
    const size = layout.reduce((n, spec) => n + spec.shape.reduce((a, b) => a * b, 1), 0);
    await exportPeftAdapter(folder, { layout, parameters: awkwardValues(size), alpha: 8 });
    return { folder, layout };
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
