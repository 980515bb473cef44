import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { CHECKPOINT_FILE, readResumeRecord, RESUME_FILE, runExperiment } from '../../src/engine/index.js';
import { ResultsFolder } from '../../src/engine/resultsFolder.js';
import { CheckpointError } from '../../src/errors.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { resealed } from './checkpointFixtures.js';

const folder = (prefix: string) => mkdtempSync(join(tmpdir(), `fedtune-${prefix}-`));

/** Every file under `dir` with its bytes, to show a refused resume left the folder as it was. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile()) files[name] = readFileSync(path).toString('base64');
  }
  return files;
}

describe('a damaged resume.json', () => {
  const withRecord = (content: string) => {
    const dir = folder('resume-record');
    writeFileSync(join(dir, RESUME_FILE), content);
    return dir;
  };
  const refusal = (dir: string): string => {
    try {
      readResumeRecord(dir);
    } catch (error) {
      expect(error).toBeInstanceOf(CheckpointError);
      return (error as Error).message;
    }
    throw new Error('the record was accepted');
  };

  it.each([
    ['null', 'is not a JSON object'],
    ['[1, 2]', 'is not a JSON object'],
    ['"resume"', 'is not a JSON object'],
    ['{"experiment": {}', 'is not valid JSON'],
    ['{"experimentDir": ".", "checkpointEvery": 0}', 'lacks experimentDir or a positive checkpointEvery'],
  ])('refuses %s, saying what is wrong and how to go on', (content, problem) => {
    const dir = withRecord(content);
    expect(refusal(dir)).toMatch(
      new RegExp(`^${join(dir, RESUME_FILE)} ${problem}.*; the folder was changed or damaged, start the run again without --resume\\.$`),
    );
  });

  it('refuses a directory in its place', () => {
    const dir = folder('resume-record-dir');
    mkdirSync(join(dir, RESUME_FILE));
    expect(refusal(dir)).toMatch(/resume\.json is a folder, not a regular file; the folder was changed or damaged/);
  });

  it('refuses an experiment this fedtune cannot run, as a checkpoint problem', () => {
    const dir = withRecord(JSON.stringify({ experiment: { training: { rounds: 0 } }, experimentDir: '.', checkpointEvery: 1 }));
    const message = refusal(dir);
    expect(message.startsWith(`the experiment in ${join(dir, RESUME_FILE)} has `)).toBe(true);
    expect(message).toContain('- training.rounds: got 0');
    expect(message).toMatch(/\nResume with the fedtune release that started the run, or start it again without --resume\.$/);
  });
});

describe('reopening a results folder whose ledger was damaged before the checkpoint round', () => {
  const row = (round: number) =>
    JSON.stringify({ round, uplinkBytes: 10, downlinkBytes: 20, trainLoss: 1, testAccuracy: null, testLoss: null, wallMs: 5 });
  const withLedger = (lines: string[]) => {
    const dir = folder('reopen');
    // Reopening requires the experiment the run wrote before its first round.
    writeFileSync(join(dir, 'experiment.json'), '{}');
    writeFileSync(join(dir, 'ledger.jsonl'), lines.map((line) => `${line}\n`).join(''));
    return dir;
  };

  it.each([
    ['garbage', 'not json at all', 'is not valid JSON: not json at all'],
    ['a number', '42', 'is not a JSON object: 42'],
    ['null', 'null', 'is not a JSON object: null'],
    ['another round', row(5), 'is not the row of round 1'],
    ['a row without byte counts', JSON.stringify({ round: 1, testAccuracy: null, wallMs: 1 }), 'has no finite uplinkBytes'],
    ['a row with a text accuracy', row(1).replace('"testAccuracy":null', '"testAccuracy":"high"'), 'has a testAccuracy that is neither a number nor null'],
    ['a row holding a 5,000-deep value', row(1).replace('{', `{"x":${'['.repeat(5000)}${']'.repeat(5000)},`), 'nests lists and objects more than 64 deep'],
  ])('refuses %s and leaves the ledger as it was', (_name, line, problem) => {
    const dir = withLedger([row(0), line, row(2), row(3)]);
    const before = snapshot(dir);
    expect(() => ResultsFolder.reopen(dir, 2)).toThrow(CheckpointError);
    expect(() => ResultsFolder.reopen(dir, 2)).toThrow(`${join(dir, 'ledger.jsonl')} line 2 ${problem}`);
    expect(() => ResultsFolder.reopen(dir, 2)).toThrow(/; the folder was changed or damaged, start the run again without --resume\.$/);
    expect(snapshot(dir)).toEqual(before);
  });

  it('quotes at most 80 characters of a long line', () => {
    const line = `{${'"x":1,'.repeat(100_000)}`;
    const dir = withLedger([line]);
    expect(() => ResultsFolder.reopen(dir, 1)).toThrow(`line 1 is not valid JSON: ${line.slice(0, 80)}…; the folder`);
  });

  it('keeps the rows before the checkpoint round and drops the rest, garbage included', () => {
    const dir = withLedger([row(0), row(1), 'garbage after the checkpoint']);
    const { rows } = ResultsFolder.reopen(dir, 2);
    expect(rows.map((kept) => kept.round)).toEqual([0, 1]);
    expect(readFileSync(join(dir, 'ledger.jsonl'), 'utf8')).toBe(`${row(0)}\n${row(1)}\n`);
  });
});

describe('resuming a stopped run from a checkpoint changed on disk', () => {
  /** A run stopped in round 1, with its checkpoint after round 1 on disk. */
  const stoppedRun = async () => {
    const experiment = parseExperiment({
      name: 'changed-checkpoint',
      seed: 5,
      data: { numClients: 3, trainLimit: 200, testLimit: 100 },
      adapter: { rank: 2, alpha: 4 },
      training: { rounds: 3, batchSize: 64 },
      selector: 'all',
      channel: 'reliable',
    });
    const outDir = folder('changed-checkpoint');
    const options = { outDir, experimentDir: outDir, container: createFedtuneContainer(), checkpointEvery: 1 };
    class Stop extends Error {}
    await expect(
      runExperiment(experiment, {
        ...options,
        onRound: ({ round }) => {
          if (round === 1) throw new Stop();
        },
      }),
    ).rejects.toThrow(Stop);
    return { experiment, options, outDir, checkpoint: join(outDir, CHECKPOINT_FILE) };
  };

  it('is refused with a CheckpointError and leaves the results folder as it was', async () => {
    const { experiment, options, outDir, checkpoint } = await stoppedRun();
    const bytes = readFileSync(checkpoint);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0x40; // an exponent bit of the last value stored
    writeFileSync(checkpoint, bytes);
    const before = snapshot(outDir);

    const resumed = runExperiment(experiment, { ...options, container: createFedtuneContainer(), resume: true });
    await expect(resumed).rejects.toThrow(CheckpointError);
    await expect(resumed).rejects.toThrow(`${checkpoint} does not match its digest`);
    expect(snapshot(outDir)).toEqual(before);
  }, 120_000);

  it('is refused with a CheckpointError when its global model, resealed, is one value short of the run\'s', async () => {
    const { experiment, options, outDir, checkpoint } = await stoppedRun();
    writeFileSync(
      checkpoint,
      resealed(readFileSync(checkpoint), (content) => {
        const global = content.tensors.get('global')!;
        content.tensors.set('global', { ...global, shape: [global.data.length - 1], data: global.data.slice(0, -1) });
      }),
    );
    const before = snapshot(outDir);

    const resumed = runExperiment(experiment, { ...options, container: createFedtuneContainer(), resume: true });
    await expect(resumed).rejects.toThrow(CheckpointError);
    await expect(resumed).rejects.toThrow(/tensor "global" \(the global model\) has (\d+) values, the run's model has (\d+);/);
    expect(snapshot(outDir)).toEqual(before);
  }, 120_000);
});
