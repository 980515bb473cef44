import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { readExperimentFile } from '../../src/experiment/load.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-experiment-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function writeExperiment(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

describe('readExperimentFile', () => {
  it('returns the validated experiment and the folder it lives in', async () => {
    const path = writeExperiment('ok.json', '\uFEFF{"data": {"numClients": 4}, "training": {"rounds": 2}}');
    const { experiment, dir } = await readExperimentFile(path);
    expect(experiment.training.rounds).toBe(2);
    expect(dir).toBe(folder);
  });

  it('reports a missing file as a ConfigError naming the path', async () => {
    const missing = join(folder, 'nope.json');
    await expect(readExperimentFile(missing)).rejects.toThrow(ConfigError);
    await expect(readExperimentFile(missing)).rejects.toThrow(`experiment file not found: ${missing}`);
  });

  it('reports a folder given instead of a file', async () => {
    const sub = join(folder, 'sub');
    mkdirSync(sub);
    await expect(readExperimentFile(sub)).rejects.toThrow(/is a folder, not a regular file; give the path of the experiment's \.json file/);
  });

  it('reports invalid JSON with line and column', async () => {
    const path = writeExperiment('broken.json', '{\n  "training": {"rounds": 2},\n  "data": {"numClients": 4,}\n}');
    await expect(readExperimentFile(path)).rejects.toThrow(
      new RegExp(`experiment file .*broken\\.json is not valid JSON: line 3, column 28: trailing comma`),
    );
  });

  it('reports schema problems with the file name and the problem count', async () => {
    const path = writeExperiment(
      'bad.json',
      '{"data": {"numClients": 0}, "training": {"rounds": 2, "tfBackend": "gpu"}}',
    );
    const error = await readExperimentFile(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('bad.json has 2 problems:');
    expect((error as Error).message).toContain('  - data.numClients: got 0; allowed: an integer from 1 to 1000000');
    expect((error as Error).message).toContain('  - training.tfBackend: got "gpu"; allowed: auto, cpu, wasm');
  });
});
