import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverRuns, roundsCsv } from '../src/index.js';
import { ledgerRows, resolvedExperiment, writeRun } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'fedtune-report-rounds-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const rows = ledgerRows({ rounds: 2, accuracy: (round) => (round === 0 ? null : 0.75), uplinkBytes: () => 100 });

/** A plain run, and one whose plugin writes fields the report knows nothing about. */
function readStudy() {
  writeRun(join(root, 'plain'), { experiment: resolvedExperiment({ label: 'plain' }), rows });
  writeRun(join(root, 'plugin'), {
    experiment: resolvedExperiment({ label: 'with, plugin', seed: 7, compressor: { name: 'sketch', options: {} } }),
    rows: rows.map((row, round) => ({ ...row, sketchError: 0.5 / (round + 1), sketch: { buckets: 64 + round } })),
  });
  return discoverRuns([root]).runs;
}

describe('the per-round CSV', () => {
  const lines = roundsCsv(readStudy()).trimEnd().split('\n');
  const header = (lines[0] ?? '').split(',');
  // Commas outside quotes separate cells.
  const cells = (line: number) => (lines[line] ?? '').split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  const cell = (line: number, column: string) => cells(line)[header.indexOf(column)];

  it('has the run label and seed first, then a column for every numeric ledger field, a plugin’s too', () => {
    expect(header.slice(0, 3)).toEqual(['run', 'seed', 'round']);
    expect(header).toEqual(
      expect.arrayContaining(['uplinkBytes', 'testAccuracy', 'trainLoss', 'sketchError', 'sketch.buckets']),
    );
  });

  it('has one row per run and round, with empty cells for fields a row lacks or holds as null', () => {
    expect(lines).toHaveLength(1 + 2 * rows.length);
    const runs = [1, 2, 3, 4].map((line) => cell(line, 'run'));
    expect(runs).toEqual(['plain', 'plain', '"with, plugin"', '"with, plugin"']);
    const first = [cell(1, 'seed'), cell(1, 'round'), cell(1, 'testAccuracy'), cell(1, 'sketchError')];
    expect(first).toEqual(['42', '0', '', '']);
    expect([cell(2, 'round'), cell(2, 'testAccuracy'), cell(2, 'uplinkBytes')]).toEqual(['1', '0.75', '100']);
    expect([cell(3, 'seed'), cell(4, 'sketchError'), cell(4, 'sketch.buckets')]).toEqual(['7', '0.25', '65']);
  });
});
