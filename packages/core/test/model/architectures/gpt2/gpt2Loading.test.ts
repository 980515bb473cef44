import * as tf from '@tensorflow/tfjs-core';
import { basename } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../../../../src/errors.js';
import { frozenLinear, hostTensorsFromFrozen, type BaseModel, type LinearFunction } from '../../../../src/model/architectures/baseModel.js';
import { HF_PAD_ID } from '../../../../src/model/architectures/huggingface/hfArchitecture.js';
import { gpt2Architecture } from '../../../../src/model/architectures/gpt2/index.js';
import { float16ToFloat32 } from '../../../../src/model/formats/halfFloat.js';
import { loadHfModel } from '../../../../src/model/formats/huggingface/index.js';
import { useTfBackend } from '../../../../src/model/training/tfBackend.js';
import { temporaryFolder } from '../../fixtures.js';
import { gpt2CheckpointTensors, writeGpt2Folder } from '../../../../src/testing/gpt2Folder.js';
import { float16Bits } from '../../../../src/testing/rawSafetensors.js';
import { loadGpt2Folder } from './gpt2FolderLoad.js';

beforeAll(async () => {
  await useTfBackend('cpu');
});

const frozenOnly =
  (base: BaseModel): LinearFunction =>
  (module, x) =>
    frozenLinear(x, base.frozen.get(module.name)!);

describe('GPT-2 through the Hugging Face folder loader', () => {
  it('loads a GPT2Model-named checkpoint with mask buffers as the family builds it', async () => {
    const folder = await temporaryFolder();
    await writeGpt2Folder(folder, { names: 'bare', maskBuffers: true, storeHead: true });
    const loaded = await loadHfModel(folder, { contextLength: 8 });
    expect(loaded.architecture).toBe(gpt2Architecture);
    // `architecture` is the family, as the model's own; the config.json class keeps a key of its own.
    expect(loaded.model.metadata).toEqual({
      source: basename(folder),
      modelType: 'gpt2',
      hfClass: 'GPT2LMHeadModel',
      architecture: loaded.model.architecture,
      contextLength: '8',
    });
    expect(loaded.model.architecture).toBe('gpt2');
    expect(loaded.notes.some((note) => /dropped 4 buffers/.test(note))).toBe(true);
    const direct = await loadGpt2Folder(folder, 8);
    const ids = tf.tensor2d([[3, 1, 4, 1, 5, 9, HF_PAD_ID, HF_PAD_ID]]);
    expect(loaded.model.positionLogits(ids, frozenOnly(loaded.model)).arraySync()).toEqual(
      direct.positionLogits(ids, frozenOnly(direct)).arraySync()
    );
    for (const model of [loaded.model, direct]) model.dispose();
  });

  it('loads a checkpoint saved in F16 as its values widened to float32, with a note saying so', async () => {
    const folder = await temporaryFolder();
    await writeGpt2Folder(folder, { dtype: 'F16' });
    const loaded = await loadHfModel(folder);
    const stored = gpt2CheckpointTensors();
    expect(loaded.notes).toEqual([`converted ${stored.size} F16 tensors to float32`]);
    const embedding = [...(stored.get('transformer.wte.weight')?.data ?? [])].map((value) => float16ToFloat32(float16Bits(value)));
    expect([...(hostTensorsFromFrozen(loaded.model).get('transformer.wte.weight')?.data ?? [])]).toEqual(embedding);
    loaded.model.dispose();
  });

  it('refuses a config.json whose n_inner disagrees with the MLP tensors, naming a tensor, both shapes and the field', async () => {
    const folder = await temporaryFolder();
    await writeGpt2Folder(folder, { nInner: 64, storedInner: 128 });
    const load = loadHfModel(folder);
    await expect(load).rejects.toThrow(CheckpointError);
    await expect(load).rejects.toThrow(/tensor "transformer\.h\.0\.mlp\.c_fc\.bias" has shape \[128\] but config\.json \(n_inner=64\) implies \[64\]/);
  });
});
