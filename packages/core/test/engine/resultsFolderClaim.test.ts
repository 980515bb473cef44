import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { LOCK_FILE } from '../../src/engine/folderLock.js';
import { ResultsFolderClaim } from '../../src/engine/resultsFolderClaim.js';
import { runExperiment } from '../../src/engine/runExperiment.js';
import { isFedtuneError } from '../../src/errors.js';
import { parseExperiment } from '../../src/experiment/index.js';

const root = mkdtempSync(join(tmpdir(), 'fedtune-claim-'));
let folders = 0;
const freshFolder = () => join(root, `out-${folders++}`);

/** Two clients, embedded data: a run of a few seconds, with one comparison. */
const experiment = parseExperiment({
  name: 'claim-test',
  seed: 3,
  data: { numClients: 2, trainLimit: 200, testLimit: 100 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 2, batchSize: 64 },
  selector: 'all',
  compressor: { name: 'qsgd', options: { levels: 8 } },
  compare: [{ label: 'plain', compressor: 'none' }],
});
const run = (outDir: string, options: Partial<Parameters<typeof runExperiment>[1]> = {}) =>
  runExperiment(experiment, { outDir, experimentDir: root, container: createFedtuneContainer(), ...options });

/** A folder as an earlier, checkpointed run with a comparison and a stray file left it. */
function previousRun(dir: string): void {
  mkdirSync(join(dir, 'adapter'), { recursive: true });
  mkdirSync(join(dir, 'compare', 'older-label'), { recursive: true });
  const files: Record<string, string> = {
    'ledger.jsonl': '{"round":0}\n{"round":1}\n{"round":2}\n',
    'summary.json': '{"label":"old"}\n',
    'experiment.json': '{"name":"old"}\n',
    'resume.json': '{"checkpointEvery":1}\n',
    'checkpoint.safetensors': 'old checkpoint',
    'notes.txt': 'an earlier experiment',
    'adapter/adapter_model.safetensors': 'old adapter',
    'compare/older-label/ledger.jsonl': '{"round":0}\n',
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
}

/** Every file under `dir`, relative, sorted. */
const tree = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();

const ledgerRounds = (dir: string) =>
  readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { round: number }).round);

/** The pid of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}

const writeLock = (dir: string, holder: { pid: number; host: string }) =>
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ ...holder, startedAt: '2025-01-01T00:00:00.000Z' }));

describe('overwrite', () => {
  it('replaces everything the folder held: nothing of the earlier run survives beside the new one', async () => {
    const dir = freshFolder();
    previousRun(dir);
    await run(dir, { overwrite: true });
    expect(readdirSync(dir).sort()).toEqual(['adapter', 'compare', 'experiment.json', 'ledger.jsonl', 'summary.json']);
    // The new run's own comparison is there; the earlier one's is not.
    expect(readdirSync(join(dir, 'compare'))).toEqual(['plain']);
    expect(ledgerRounds(dir)).toEqual([0, 1]);
    expect(ledgerRounds(join(dir, 'compare', 'plain'))).toEqual([0, 1]);
    expect(readFileSync(join(dir, 'adapter', 'adapter_model.safetensors'), 'utf8')).not.toBe('old adapter');
  }, 60_000);

  it('leaves no old adapter or summary beside a new run that stops after its first round', async () => {
    const dir = freshFolder();
    previousRun(dir);
    const stopped = new Error('stopped');
    await expect(
      run(dir, {
        overwrite: true,
        onRound: () => {
          throw stopped;
        },
      }),
    ).rejects.toBe(stopped);
    expect(tree(dir)).toEqual(['experiment.json', 'ledger.jsonl']);
    expect(ledgerRounds(dir)).toEqual([0]);
  }, 60_000);

  it('leaves the folder as it was when the new run is refused before it starts', async () => {
    const dir = freshFolder();
    previousRun(dir);
    const before = tree(dir);
    const refused = parseExperiment({ ...experiment, adapter: { ...experiment.adapter, clientRanks: [8, 2] } });
    await expect(
      runExperiment(refused, { outDir: dir, experimentDir: root, container: createFedtuneContainer(), overwrite: true }),
    ).rejects.toThrow(/clientRanks holds rank 8/);
    expect(tree(dir)).toEqual(before);
    expect(readFileSync(join(dir, 'adapter', 'adapter_model.safetensors'), 'utf8')).toBe('old adapter');
  }, 60_000);
});

describe('a claimed folder', () => {
  it('refuses a second run into it while the first runs, naming the process, whatever the second asks', async () => {
    const dir = freshFolder();
    const refusals: unknown[] = [];
    await run(dir, {
      overwrite: true,
      onRunStart: () => {
        refusals.push(
          ...[{ overwrite: true }, { resume: true }, {}].map((intent) => {
            try {
              return ResultsFolderClaim.take(dir, intent);
            } catch (error) {
              return error;
            }
          }),
        );
      },
    });
    // Taken once per run (main and comparison), each time three ways.
    expect(refusals).toHaveLength(6);
    for (const refusal of refusals) {
      expect(isFedtuneError(refusal, 'ConfigError')).toBe(true);
      expect((refusal as Error).message).toContain(`results folder ${dir} is in use by process ${process.pid} on ${hostname()}`);
    }
    // The first run's ledgers are its own, and its lock went with it.
    expect(ledgerRounds(dir)).toEqual([0, 1]);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  }, 60_000);

  it('refuses a second concurrent runExperiment, which writes nothing', async () => {
    const dir = freshFolder();
    let second: Promise<unknown> | undefined;
    await run(dir, {
      onRunStart: () => {
        second ??= run(dir, { overwrite: true }).catch((error: unknown) => error);
      },
    });
    const refusal = await second;
    expect((refusal as Error).message).toMatch(/is in use by process \d+/);
    expect(ledgerRounds(dir)).toEqual([0, 1]);
  }, 60_000);

  it('takes over a lock whose process has ended on this host, with a note', async () => {
    const dir = freshFolder();
    mkdirSync(dir);
    const pid = await deadPid();
    writeLock(dir, { pid, host: hostname() });
    const log: string[] = [];
    const claim = ResultsFolderClaim.take(dir, { log: (line) => log.push(line) });
    expect(log).toEqual([`note: results folder ${dir} was locked by process ${pid}, which is no longer running; taking the folder over`]);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    claim.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps a lock of a running process, or of another host, and says how to clear it', () => {
    for (const holder of [
      { pid: process.ppid, host: hostname() },
      { pid: 1, host: `not-${hostname()}` },
    ]) {
      const dir = freshFolder();
      mkdirSync(dir);
      writeLock(dir, holder);
      const lock = readFileSync(join(dir, LOCK_FILE), 'utf8');
      expect(() => ResultsFolderClaim.take(dir, { overwrite: true })).toThrow(
        `results folder ${dir} is in use by process ${holder.pid} on ${holder.host} (started 2025-01-01T00:00:00.000Z); ` +
          `wait for that run to end, or choose another --out. If that process is gone, delete ${join(dir, LOCK_FILE)} and try again.`,
      );
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(lock);
    }
  });

  it('keeps a lock that names no process, quoting none of it', () => {
    const dir = freshFolder();
    mkdirSync(dir);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 7, host: 'h'.repeat(100_000), startedAt: 'now' }));
    expect(() => ResultsFolderClaim.take(dir, { resume: true })).toThrow(
      `results folder ${dir} is locked by ${join(dir, LOCK_FILE)}, which does not say which process holds it; if no fedtune run is using the folder, delete that file and try again.`,
    );
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
  });

  it('is refused, untouched, when it holds files and the run neither overwrites nor resumes', () => {
    const dir = freshFolder();
    previousRun(dir);
    const before = tree(dir);
    expect(() => ResultsFolderClaim.take(dir, {})).toThrow(`results folder ${dir} is not empty; pass --overwrite to write into it, or choose another --out`);
    expect(tree(dir)).toEqual(before);
  });

  it('is removed again when the claim made it and the run never wrote', () => {
    const dir = join(freshFolder(), 'nested');
    ResultsFolderClaim.take(dir, {}).release();
    expect(existsSync(join(dir, '..'))).toBe(false);
  });
});

describe('a results path that cannot be a folder', () => {
  it('is refused before anything is created, whether it is a file or lies under one', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a folder');
    expect(() => ResultsFolderClaim.take(join(file, 'run'), {})).toThrow(
      `--out ${join(file, 'run')} lies under ${file}, which is a file, not a folder; choose another --out`,
    );
    expect(() => ResultsFolderClaim.take(file, { overwrite: true })).toThrow(`--out ${file} is a file, not a folder; choose another --out`);
    expect(readFileSync(file, 'utf8')).toBe('not a folder');
  });

  it('is refused as bad input, with the name cut short, when a name is too long for the file system', () => {
    const name = 'x'.repeat(300);
    let caught: unknown;
    try {
      ResultsFolderClaim.take(join(root, name), {});
    } catch (error) {
      caught = error;
    }
    expect(isFedtuneError(caught, 'ConfigError')).toBe(true);
    expect((caught as Error).message).toBe(
      `cannot write ${'x'.repeat(80)}… in ${root}: a name in the path is too long for the file system (ENAMETOOLONG); choose a shorter name`,
    );
  });
});

describe('leftovers of killed runs', () => {
  it('are deleted when a run claims the folder: atomic-write temporaries and replaced contents only', () => {
    const dir = freshFolder();
    mkdirSync(join(dir, '.fedtune-replaced-1-2'), { recursive: true });
    writeFileSync(join(dir, '.fedtune-replaced-1-2', 'ledger.jsonl'), 'old');
    const stale = ['.ledger.jsonl.4242.0.tmp', '.checkpoint.safetensors.4242.17.tmp'];
    const kept = ['ledger.jsonl', 'resume.json', 'notes.tmp', '.notes.tmp', '.a.b.tmp'];
    for (const name of [...stale, ...kept]) writeFileSync(join(dir, name), 'x');
    mkdirSync(join(dir, 'compare', 'x'), { recursive: true });
    writeFileSync(join(dir, 'compare', 'x', '.ledger.jsonl.4242.1.tmp'), 'x');
    const claim = ResultsFolderClaim.take(dir, { resume: true });
    claim.release();
    expect(readdirSync(dir).sort()).toEqual([...kept, 'compare'].sort());
    // Only the claimed folder itself: a comparison's folder is cleaned when its own run takes it.
    expect(readdirSync(join(dir, 'compare', 'x'))).toEqual(['.ledger.jsonl.4242.1.tmp']);
  });

  it('do not make a folder count as holding a run', () => {
    const dir = freshFolder();
    mkdirSync(dir);
    writeFileSync(join(dir, '.summary.json.4242.3.tmp'), 'x');
    ResultsFolderClaim.take(dir, {}).release();
    expect(readdirSync(dir)).toEqual([]);
  });
});
