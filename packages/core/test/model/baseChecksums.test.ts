import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSha256Sums, sha256Hex } from '../../src/data/checksums.js';
import { findDataDir } from '../../src/data/dataDir.js';
import { loadBaseModel } from '../../src/model/formats/baseModelFile.js';
import { EMBEDDED_BASE_FILE, FORTUNES_BASE_FILE, fortunesBasePath } from '../../src/model/formats/embeddedBase.js';
import { useTfBackend } from '../../src/model/training/tfBackend.js';

beforeAll(async () => {
  await useTfBackend('cpu');
});

describe('the shipped base models', () => {
  it('match data/base/SHA256SUMS', () => {
    const base = join(findDataDir(), 'base');
    const sums = parseSha256Sums(readFileSync(join(base, 'SHA256SUMS'), 'utf8'), 'data/base/SHA256SUMS');
    expect([...sums.keys()].sort()).toEqual(
      [EMBEDDED_BASE_FILE, FORTUNES_BASE_FILE].map((file) => file.replace(/^base[/\\]/, '')).sort()
    );
    for (const [name, hash] of sums) expect(sha256Hex(readFileSync(join(base, name))), name).toBe(hash);
  });

  it('include a fortunes transformer that predicts bytes from 64-byte windows', async () => {
    const model = await loadBaseModel(fortunesBasePath());
    try {
      expect(model.architecture).toBe('transformer');
      expect(model.inputSize).toBe(64);
      expect(model.numClasses).toBe(256);
      expect(model.metadata).toMatchObject({ dataset: 'fortunes', pretrainSeed: '0', pretrainSteps: '800' });
      expect(readFileSync(fortunesBasePath()).length).toBeLessThan(2_000_000);
    } finally {
      model.dispose();
    }
  });
});
