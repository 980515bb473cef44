import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readExperimentFile } from '../../src/experiment/load.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-experiment-edit-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const path = join(folder, 'experiment.json');
writeFileSync(path, JSON.stringify({ data: { numClients: 4 }, training: { rounds: 2 }, compressor: 'qsgd' }));

describe('readExperimentFile with an edit', () => {
  it("validates the file's JSON as edited, defaults filled", async () => {
    const { experiment } = await readExperimentFile(path, {
      apply: (json) => ({ ...(json as object), training: { rounds: 7 }, compressor: { name: 'qsgd', options: { levels: 3 } } }),
      description: '--set training.rounds=7',
    });
    expect(experiment.training.rounds).toBe(7);
    expect(experiment.training.optimizer).toBe('adam');
    expect(experiment.compressor).toEqual({ name: 'qsgd', options: { levels: 3 } });
  });

  it('lets an edit complete a file that is incomplete on its own', async () => {
    const incomplete = join(folder, 'incomplete.json');
    writeFileSync(incomplete, JSON.stringify({ training: { rounds: 2 } }));
    await expect(readExperimentFile(incomplete)).rejects.toThrow('  - data: missing;');
    const { experiment } = await readExperimentFile(incomplete, {
      apply: (json) => ({ ...(json as object), data: { numClients: 3 } }),
      description: '--set data.numClients=3',
    });
    expect(experiment.data.numClients).toBe(3);
  });

  it("refuses an edit the schema refuses, naming the edit and the field", async () => {
    const refused = readExperimentFile(path, {
      apply: (json) => ({ ...(json as object), training: { rounds: 0 } }),
      description: '--set training.rounds=0',
    });
    await expect(refused).rejects.toThrow(`experiment file ${path} with --set training.rounds=0 has 1 problem:\n  - training.rounds:`);
  });
});
