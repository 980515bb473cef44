import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverRuns, readRun, type ReadRunResult } from '../src/index.js';
import { ledgerRows, resolvedExperiment, writeRun } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'fedtune-report-read-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const experiment = resolvedExperiment();
const rows = ledgerRows({ rounds: 10, accuracy: (r) => 0.5 + r / 100, uplinkBytes: () => 1000 });
let folders = 0;
const folder = () => join(root, `run-${++folders}`);

function reason(result: ReadRunResult): string {
  if (result.ok) throw new Error(`expected ${result.run.dir} to be skipped`);
  return result.skipped.reason;
}

describe('readRun', () => {
  it('reads a finished run: every round, the summary, no warnings', () => {
    const result = readRun(writeRun(folder(), { experiment, rows, finished: true }));
    expect(result.ok && result.run.ledger.map((row) => row.round)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(result.ok && result.run.summary?.rounds).toBe(10);
    expect(result.ok && result.run.warnings).toEqual([]);
  });

  it('keeps the finished rounds of a run cut short, ignoring its half-written last line with a warning', () => {
    const dir = writeRun(folder(), {
      experiment,
      rows: rows.slice(0, 6),
      ledgerTail: JSON.stringify(rows[6]).slice(0, 30),
    });
    const result = readRun(dir);
    if (!result.ok) throw new Error(result.skipped.reason);
    expect(result.run.ledger).toHaveLength(6);
    expect(result.run.summary).toBeNull();
    expect(result.run.plannedRounds).toBe(10);
    expect(result.run.warnings).toEqual([
      'ignored ledger.jsonl line 7, cut off while being written (is not valid JSON)',
      'cut short: finished 6 of 10 rounds',
    ]);
  });

  it('drops a last line that parses but is cut before its last field', () => {
    const { wallMs: _, ...partial } = rows[6] ?? {};
    const result = readRun(
      writeRun(folder(), { experiment, rows: rows.slice(0, 6), ledgerTail: JSON.stringify(partial) }),
    );
    expect(result.ok && result.run.ledger).toHaveLength(6);
    expect(result.ok && result.run.warnings[0]).toMatch(/^ignored ledger\.jsonl line 7, .*wallMs/);
  });

  it('reads a run whose summary is damaged from its ledger, saying so', () => {
    const dir = writeRun(folder(), { experiment, rows });
    writeFileSync(join(dir, 'summary.json'), '{"label": "LoRA');
    const result = readRun(dir);
    expect(result.ok && result.run.ledger).toHaveLength(10);
    expect(result.ok && result.run.warnings).toEqual([
      'summary.json is not valid JSON (cut off or damaged); using the ledger alone',
    ]);
  });

  it('skips half-written folders: no finished round yet, or no experiment yet', () => {
    expect(reason(readRun(writeRun(folder(), { experiment, rows: [] })))).toBe(
      'ledger.jsonl holds no finished round yet',
    );
    const noExperiment = folder();
    mkdirSync(noExperiment);
    writeFileSync(join(noExperiment, 'ledger.jsonl'), '');
    expect(reason(readRun(noExperiment))).toBe('no experiment.json');
  });

  it('skips corrupt folders, naming the file, line and field at fault', () => {
    const brokenJson = writeRun(folder(), { experiment, rows });
    writeFileSync(join(brokenJson, 'experiment.json'), '{"name": "quick');
    expect(reason(readRun(brokenJson))).toBe('experiment.json is not valid JSON (cut off or damaged)');

    const { training: _, ...withoutTraining } = experiment;
    expect(reason(readRun(writeRun(folder(), { experiment: withoutTraining, rows })))).toMatch(
      /^experiment\.json is not a resolved experiment \(training: /,
    );

    const middle = writeRun(folder(), {
      experiment,
      rows: rows.slice(0, 1),
      ledgerTail: 'garbage\n' + JSON.stringify(rows[2]) + '\n',
    });
    expect(reason(readRun(middle))).toBe('ledger.jsonl line 2 is not valid JSON');

    const badRow = { ...rows[1], uplinkBytes: 'many' };
    const notRow = writeRun(folder(), {
      experiment,
      rows: rows.slice(0, 1),
      ledgerTail: `${JSON.stringify(badRow)}\n${JSON.stringify(rows[2])}\n`,
    });
    expect(reason(readRun(notRow))).toMatch(/^ledger\.jsonl line 2 is not a ledger row \(uplinkBytes: /);

    const repeated = writeRun(folder(), {
      experiment,
      rows: [rows[0], rows[1], rows[1]].flatMap((row) => (row ? [row] : [])),
    });
    expect(reason(readRun(repeated))).toBe('ledger.jsonl line 3 repeats or goes back to round 1');
  });

  it('skips what is not a folder', () => {
    expect(reason(readRun(join(root, 'nowhere')))).toBe('cannot be read (ENOENT)');
    const file = join(root, 'file.txt');
    writeFileSync(file, 'x');
    expect(reason(readRun(file))).toBe('is not a folder');
  });
});

describe('discoverRuns', () => {
  const study = join(root, 'study');
  const seedRuns = [1, 2].map((seed) => {
    const dir = join(study, `seed-${seed}`);
    writeRun(dir, { experiment: resolvedExperiment({ seed }), rows, finished: true });
    writeRun(join(dir, 'compare', 'qsgd'), {
      experiment: resolvedExperiment({ seed, compressor: { name: 'qsgd', options: {} } }),
      rows,
    });
    writeRun(join(dir, 'compare', 'head-only'), {
      experiment: resolvedExperiment({ seed, adapter: { name: 'head' } }),
      rows,
    });
    return dir;
  });

  it('reads a results folder, then each run under its compare/ folder by name', () => {
    const [first = ''] = seedRuns;
    const { runs, skipped } = discoverRuns([first, first]);
    expect(runs.map((run) => run.dir)).toEqual([
      first,
      join(first, 'compare', 'head-only'),
      join(first, 'compare', 'qsgd'),
    ]);
    expect(skipped).toEqual([]);
  });

  it('reads each results folder inside a folder of them, and reports what it skipped', () => {
    const damaged = join(study, 'seed-3');
    mkdirSync(damaged, { recursive: true });
    writeFileSync(join(damaged, 'experiment.json'), '{');
    const { runs, skipped } = discoverRuns([study, join(root, 'missing')]);
    expect(runs).toHaveLength(6);
    expect(skipped).toEqual([
      { dir: damaged, reason: 'experiment.json is not valid JSON (cut off or damaged)' },
      { dir: join(root, 'missing'), reason: 'cannot be read (ENOENT)' },
    ]);
  });

  it('still reads the comparisons of a folder whose own run is unreadable', () => {
    const dir = join(root, 'broken-main');
    writeRun(join(dir, 'compare', 'qsgd'), { experiment, rows });
    writeFileSync(join(dir, 'experiment.json'), '');
    const { runs, skipped } = discoverRuns([dir]);
    expect(runs.map((run) => run.dir)).toEqual([join(dir, 'compare', 'qsgd')]);
    expect(skipped.map((s) => s.dir)).toEqual([dir]);
  });
});
