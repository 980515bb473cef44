import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gpt2CheckpointTensors, writeGpt2ModelFolder } from '@fedtune/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.js';

const root = mkdtempSync(join(tmpdir(), 'fedtune-cli-run-notes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fedtune run on a Hugging Face folder', () => {
  it("prints the loader's notes once, before the first round", async () => {
    await writeGpt2ModelFolder(join(root, 'model'), { dtype: 'F16' });
    const words = ['hello', 'world', 'hell', 'held'];
    const corpus = Array.from({ length: 40 }, (_, i) => JSON.stringify({ text: `${words[i % 4]} ${words[(i * 3 + 1) % 4]} ${words[i % 3]} hello` }));
    writeFileSync(join(root, 'corpus.jsonl'), `${corpus.join('\n')}\n`);
    const file = join(root, 'experiment.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'f16-notes',
        model: { base: 'model', contextLength: 8 },
        data: { dataset: 'text-files', path: 'corpus.jsonl', numClients: 2 },
        adapter: { rank: 2, alpha: 4 },
        training: { rounds: 1, batchSize: 8, learningRate: 0.01, tfBackend: 'cpu' },
        compare: [{ label: 'rank 4', adapter: { rank: 4, alpha: 8 } }],
      }),
    );

    const run = await runCli(['run', file, '--out', join(root, 'results'), '--workers', '1']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const note = `note: converted ${gpt2CheckpointTensors().size} F16 tensors to float32`;
    const lines = run.stdout.split('\n');
    // Two runs share the one loaded base, so the note comes once.
    expect(lines.filter((line) => line.startsWith('note: '))).toEqual([note]);
    expect(lines.indexOf(note)).toBeLessThan(lines.findIndex((line) => line.includes('round 1/1')));
  }, 120_000);
});
