import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { saveBaseModel } from '../../../src/model/formats/baseModelFile.js';
import { loadHfModel } from '../../../src/model/formats/huggingface/loadHfModel.js';
import { useTfBackend } from '../../../src/model/training/tfBackend.js';
import { writeGpt2Folder } from '../../../src/testing/gpt2Folder.js';
import { writeLlamaFolder } from '../architectures/llama/llamaFolder.js';
import { temporaryFolder } from '../fixtures.js';

beforeAll(async () => {
  await useTfBackend('cpu');
});

describe('saveBaseModel with a model loaded from a Hugging Face folder', () => {
  it.each([
    ['gpt2', writeGpt2Folder],
    ['llama', writeLlamaFolder],
  ] as const)('refuses a %s model before writing anything, saying to load it from its folder', async (modelType, writeFolder) => {
    const folder = await temporaryFolder();
    await writeFolder(folder);
    const { model } = await loadHfModel(folder, { contextLength: 4 });
    const path = join(folder, 'base.safetensors');
    try {
      const saving = saveBaseModel(model, path);
      await expect(saving).rejects.toThrow(ConfigError);
      await expect(saving).rejects.toThrow(
        `Cannot save a ${modelType} model as a fedtune base file (${path}): it came from a Hugging Face model folder, ` +
          "which stays where it is as the model's file, and fedtune base files hold fedtune's own architectures only. " +
          'Load it from the folder again with loadHfModel(folder), or set model.base to the folder in an experiment.',
      );
      expect(existsSync(path)).toBe(false);
    } finally {
      model.dispose();
    }
  });
});
