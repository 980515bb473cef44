import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { RunSummary } from '@fedtune/core';
import { afterAll, describe, expect, it } from 'vitest';
import { claimOutDir, defaultOutDir } from '../src/outputFolder.js';
import { renderSummaryTable } from '../src/summaryTable.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-cli-output-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const summary = (label: string, finalAccuracy: number): RunSummary => ({
  label,
  name: 'quickstart',
  seed: 42,
  rounds: 15,
  finalAccuracy,
  bestAccuracy: 0.8125,
  totalUplinkBytes: 2_345_678,
  totalDownlinkBytes: 12_000_000,
  wallMs: 12_345,
  trainableParameters: 12_906,
  outDir: 'results/x',
  backend: 'reference',
  tfBackend: 'wasm',
  data: 'embedded',
  components: {},
  finishedAt: '2025-01-01T00:00:00.000Z',
});

describe('summary table', () => {
  it('has one row per run with percentages, megabytes, seconds and grouped counts', () => {
    const text = renderSummaryTable([summary('LoRA r=4', 0.8), summary('head only', 0.7512)]);
    const header = text.split('\n')[1] ?? '';
    for (const column of [
      'run',
      'final acc',
      'vs main (pts)',
      'best acc',
      'uplink MB',
      'downlink MB',
      'rounds',
      'wall s',
      'trainable params',
    ]) {
      expect(header).toContain(column);
    }
    expect(text).toMatch(/│ LoRA r=4\s+│\s+80\.00% │\s+│\s+81\.25% │\s+2\.346 │\s+12\.000 │\s+15 │\s+12\.3 │\s+12,906 │/);
    // 75.12% − 80.00% = −4.88 points against the main (first) run.
    expect(text).toMatch(/│ head only\s+│\s+75\.12% │\s+−4\.88 │/);
    expect(text).not.toContain('\u001b[');
  });
});

describe('results folder', () => {
  it('defaults to results/<name>-<YYYYMMDD-HHMMSS> in local time, the name made folder-safe', () => {
    expect(defaultOutDir('My Run #1', new Date(2025, 0, 2, 3, 4, 5))).toBe(join('results', 'my-run-1-20250102-030405'));
  });

  it('is claimed missing or empty, and refused non-empty unless overwriting, or when it is a file', () => {
    const quiet = { stdout: new Writable({ write: (_chunk, _encoding, done) => done() }), stderr: process.stderr };
    const claim = (dir: string, overwrite: boolean) => () => claimOutDir(dir, { overwrite }, quiet).release();
    expect(claim(join(folder, 'absent'), false)).not.toThrow();
    const empty = join(folder, 'empty');
    mkdirSync(empty);
    expect(claim(empty, false)).not.toThrow();
    writeFileSync(join(empty, 'ledger.jsonl'), '');
    expect(claim(empty, false)).toThrow(/is not empty; pass --overwrite/);
    expect(claim(empty, true)).not.toThrow();
    expect(claim(join(empty, 'ledger.jsonl'), true)).toThrow(/is a file, not a folder/);
  });
});
