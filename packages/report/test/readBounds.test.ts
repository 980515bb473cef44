import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport, discoverRuns, readRun, summariseRuns, type ReadRunResult } from '../src/index.js';
import { ledgerRows, resolvedExperiment, writeRun } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'fedtune-report-bounds-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const experiment = resolvedExperiment();
const rows = ledgerRows({ rounds: 10, accuracy: (r) => 0.5 + r / 100, uplinkBytes: () => 1000 });
let folders = 0;
const folder = () => join(root, `run-${++folders}`);
const posix = process.platform !== 'win32' && existsSync('/dev/zero');

function reason(result: ReadRunResult): string {
  if (result.ok) throw new Error(`expected ${result.run.dir} to be skipped`);
  return result.skipped.reason;
}

/** JSON text of `depth` nested arrays around 1, written out since JSON.stringify overflows on it. */
const nestedArrays = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

describe('ledger rounds', () => {
  it('refuses a round far past the row count, naming the file and line, and the report still builds', async () => {
    const ledgerTail = `${JSON.stringify({ ...rows[2], round: 1e15 })}\n`;
    const dir = writeRun(folder(), { experiment, rows: rows.slice(0, 2), ledgerTail });
    expect(reason(readRun(dir))).toBe(
      'ledger.jsonl line 3 jumps to round 1000000000000000 where round 2 comes next (one line per round, from 0)',
    );
    const good = writeRun(folder(), { experiment, rows });
    const { runs, skipped } = discoverRuns([dir, good]);
    expect(skipped.map((s) => s.dir)).toEqual([dir]);
    await expect(buildReport(runs, { labels: 'differences', skipped })).resolves.toContain('<html');
    expect(summariseRuns(runs, { labels: 'differences' })).toHaveLength(1);
  });

  it('refuses a ledger that does not start at round 0 or skips a round', () => {
    const late = writeRun(folder(), { experiment, rows: rows.slice(1, 3) });
    expect(reason(readRun(late))).toBe(
      'ledger.jsonl line 1 jumps to round 1 where round 0 comes next (one line per round, from 0)',
    );
    const gap = writeRun(folder(), { experiment, rows: [rows[0]!, rows[1]!, rows[5]!] });
    expect(reason(readRun(gap))).toMatch(/^ledger\.jsonl line 3 jumps to round 5 where round 2 comes next/);
  });

  it('refuses more rounds than the experiment plans, and plans past the most an experiment runs', () => {
    const short = resolvedExperiment({ training: { ...(experiment.training as object), rounds: 8 } });
    expect(reason(readRun(writeRun(folder(), { experiment: short, rows })))).toBe(
      "ledger.jsonl holds 10 rounds, more than the 8 experiment.json plans: the folder's files come from different runs",
    );
    const endless = resolvedExperiment({ training: { ...(experiment.training as object), rounds: 1e15 } });
    expect(reason(readRun(writeRun(folder(), { experiment: endless, rows })))).toMatch(
      /^experiment\.json is not a resolved experiment \(training\.rounds: .*100000/,
    );
  });
});

describe('nesting', () => {
  it('refuses an experiment.json nested 5,000 deep instead of overflowing the stack', async () => {
    const dir = writeRun(folder(), { experiment, rows });
    const text = JSON.stringify(experiment, null, 2).replace('"plugins": []', `"plugins": ${nestedArrays(5000)}`);
    writeFileSync(join(dir, 'experiment.json'), text);
    expect(reason(readRun(dir))).toBe(
      'experiment.json line 6 nests arrays or objects more than 64 deep, which fedtune never writes: the file is ' +
        'damaged or was not written by fedtune',
    );
  });

  it('refuses a ledger line nested 5,000 deep, even in a field the report does not read', () => {
    const row = JSON.stringify(rows[1]).replace(/}$/, `,"extra":${nestedArrays(5000)}}`);
    const dir = writeRun(folder(), { experiment, rows: rows.slice(0, 1), ledgerTail: `${row}\n${JSON.stringify(rows[2])}\n` });
    expect(reason(readRun(dir))).toMatch(/^ledger\.jsonl line 2 nests arrays or objects more than 64 deep/);
  });

  it('counts brackets inside strings as text, and reads what fedtune nests', () => {
    const brackets = resolvedExperiment({ label: `${'['.repeat(200)}\\"{`, extra: JSON.parse(nestedArrays(60)) });
    const result = readRun(writeRun(folder(), { experiment: brackets, rows }));
    expect(result.ok && result.run.experiment.label).toBe(`${'['.repeat(200)}\\"{`);
  });
});

describe.runIf(posix)('files that are not regular files', () => {
  it('skips a run whose ledger is a FIFO or whose experiment links to /dev/zero, without reading them', () => {
    const pipe = writeRun(folder(), { experiment, rows });
    unlinkSync(join(pipe, 'ledger.jsonl'));
    execFileSync('mkfifo', [join(pipe, 'ledger.jsonl')]);
    expect(reason(readRun(pipe))).toBe(
      `${join(pipe, 'ledger.jsonl')} is a named pipe (FIFO), not a regular file; a results folder holds the ` +
        'ledger.jsonl its run wrote: restore that file, or leave the folder out',
    );
    const zero = writeRun(folder(), { experiment, rows });
    unlinkSync(join(zero, 'experiment.json'));
    symlinkSync('/dev/zero', join(zero, 'experiment.json'));
    expect(reason(readRun(zero))).toMatch(
      /experiment\.json \(a link to \/dev\/zero\) is a character device, not a regular file/,
    );
  });

  it('reads the ledger alone when the summary is not a regular file, saying so', () => {
    const dir = writeRun(folder(), { experiment, rows, finished: true });
    unlinkSync(join(dir, 'summary.json'));
    execFileSync('mkfifo', [join(dir, 'summary.json')]);
    const result = readRun(dir);
    expect(result.ok && result.run.summary).toBeNull();
    expect(result.ok && result.run.warnings).toEqual([
      `${join(dir, 'summary.json')} is a named pipe (FIFO), not a regular file; a results folder holds the ` +
        'summary.json its run wrote: restore that file, or leave the folder out; using the ledger alone',
    ]);
  });
});
