import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadHfBase } from '../../src/federation/hfBase.js';
import * as hfJsonFile from '../../src/model/formats/huggingface/hfJsonFile.js';
import { useTfBackend } from '../../src/model/training/tfBackend.js';
import { writeGpt2ModelFolder } from '../../src/testing/gpt2Folder.js';
import { temporaryFolder } from '../model/fixtures.js';

vi.mock('../../src/model/formats/huggingface/hfJsonFile.js', { spy: true });

beforeAll(async () => {
  await useTfBackend('cpu');
});

describe('loadHfBase', () => {
  it('reads config.json once, however many steps use it', async () => {
    const folder = join(await temporaryFolder(), 'model');
    await writeGpt2ModelFolder(folder);
    vi.mocked(hfJsonFile.readHfJsonObject).mockClear();
    // No context length asked: the default depends on the model's maximum, read from the same config.
    const base = await loadHfBase(folder, undefined);
    try {
      const configReads = vi.mocked(hfJsonFile.readHfJsonObject).mock.calls.filter(([path]) => basename(path) === 'config.json');
      expect(configReads).toEqual([[join(folder, 'config.json'), expect.anything()]]);
      expect(base.contextLength).toBe(16);
      expect(base.model.contextLength).toBe(16);
    } finally {
      base.model.dispose();
    }
  });
});
