import * as fs from 'node:fs';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import type { LedgerRow } from '../../src/engine/ledger.js';
import { ResultsFolder } from '../../src/engine/resultsFolder.js';
import { runExperiment } from '../../src/engine/runExperiment.js';
import { fedtuneErrorKind } from '../../src/errors.js';
import { parseExperiment } from '../../src/experiment/index.js';

// A full or read-only disk cannot be made here without root, so the write calls are wrapped and a
// test makes the next matching write fail as the kernel would.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, appendFileSync: vi.fn(actual.appendFileSync), writeFileSync: vi.fn(actual.writeFileSync) };
});

const actualFs = await vi.importActual<typeof import('node:fs')>('node:fs');
const systemError = (code: string, syscall: string) => Object.assign(new Error(`${code}: ${syscall} failed`), { code, syscall });

afterEach(() => vi.mocked(fs.writeFileSync).mockReset());

/** Makes writes of files named `name` (or its atomic-write temporary) fail with `code`. */
function failWritesOf(name: string, code: string): void {
  vi.mocked(fs.writeFileSync).mockImplementation((path, ...rest) => {
    const file = basename(String(path));
    if (file === name || file.startsWith(`.${name}.`)) throw systemError(code, 'write');
    return actualFs.writeFileSync(path, ...rest);
  });
}

describe('a full disk while appending to the ledger', () => {
  it('is a fedtune error naming the folder and the cause, and leaves no half line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedtune-full-'));
    const folder = ResultsFolder.create(dir, false);
    const row = { round: 0 } as LedgerRow;
    folder.appendRound(row);
    // The disk fills up part-way through the next line.
    vi.mocked(fs.appendFileSync).mockImplementationOnce((path, data) => {
      fs.writeFileSync(path as string, String(data).slice(0, 5), { flag: 'a' });
      throw systemError('ENOSPC', 'write');
    });
    let caught: unknown;
    try {
      folder.appendRound({ round: 1 } as LedgerRow);
    } catch (error) {
      caught = error;
    }
    // A FedtuneError, not a bad input: the CLI prints it as it is and exits with its failure status.
    expect(fedtuneErrorKind(caught)).toBe('FedtuneError');
    expect((caught as Error).message).toBe(
      `cannot write ledger.jsonl in ${dir}: no space left on the device (ENOSPC); free some space there, or write to a folder on another disk`,
    );
    expect(readFileSync(join(dir, 'ledger.jsonl'), 'utf8')).toBe('{"round":0}\n');
  });
});

describe('a run whose results folder cannot take its checkpoint', () => {
  const experiment = parseExperiment({
    name: 'write-failure',
    data: { numClients: 2, trainLimit: 200, testLimit: 100 },
    adapter: { rank: 2, alpha: 4 },
    training: { rounds: 2, batchSize: 64 },
    selector: 'all',
  });

  for (const [code, kind, cause] of [
    ['ENOSPC', 'FedtuneError', 'no space left on the device (ENOSPC); free some space there'],
    ['EROFS', 'ConfigError', 'the file system is read-only (EROFS); choose a folder on a writable disk'],
    ['EACCES', 'ConfigError', 'permission denied (EACCES); make the folder writable, or choose another folder'],
  ] as const) {
    it(`stops with a clear ${kind} on ${code}, keeping the rounds already written`, async () => {
      const outDir = mkdtempSync(join(tmpdir(), `fedtune-${code}-`));
      failWritesOf('checkpoint.safetensors', code);
      const failure = await runExperiment(experiment, { outDir, experimentDir: outDir, container: createFedtuneContainer(), checkpointEvery: 1 }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(fedtuneErrorKind(failure)).toBe(kind);
      expect((failure as Error).message).toContain(`cannot write checkpoint.safetensors in ${outDir}: ${cause}`);
      expect(readFileSync(join(outDir, 'ledger.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
      // No temporary file is left behind, and the folder's lock went with the run.
      expect(fs.readdirSync(outDir).sort()).toEqual(['experiment.json', 'ledger.jsonl', 'resume.json']);
    }, 60_000);
  }
});
