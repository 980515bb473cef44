import * as fs from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCli } from './capture.js';

// A full disk cannot be made here without root, so the write calls are wrapped and the test makes
// writes of the report fail as the kernel would.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, writeFileSync: vi.fn(actual.writeFileSync) };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, writeFile: vi.fn(actual.writeFile) };
});

const root = mkdtempSync(join(tmpdir(), 'fedtune-cli-report-full-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const diskFull = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
/** Whether `path` is the report or the temporary file it is first written to. */
const isReport = (path: unknown) => /^\.?report\.html/.test(basename(String(path)));

/** A results folder of one run, one round. */
function results(): string {
  const dir = join(root, 'run');
  mkdirSync(dir);
  writeFileSync(join(dir, 'experiment.json'), JSON.stringify({ name: 'full', seed: 1, training: { rounds: 1 }, compare: [] }));
  const row = { round: 0, participants: 2, uploaded: 2, skipped: 0, lost: 0, rejected: 0, uplinkBytes: 10, downlinkBytes: 10, trainLoss: 1, testAccuracy: 0.5, testLoss: 1, wallMs: 1 };
  writeFileSync(join(dir, 'ledger.jsonl'), `${JSON.stringify(row)}\n`);
  return dir;
}

describe('fedtune report on a full disk', () => {
  it("fails with the CLI's failure status, naming the file and the cause, and leaves no half-written page", async () => {
    const dir = results();
    const actualSync = vi.mocked(fs.writeFileSync).getMockImplementation()!;
    const actualAsync = vi.mocked(fsPromises.writeFile).getMockImplementation()!;
    vi.mocked(fs.writeFileSync).mockImplementation((path, ...rest) => {
      if (isReport(path)) throw diskFull();
      return actualSync(path, ...rest);
    });
    vi.mocked(fsPromises.writeFile).mockImplementation(async (path, ...rest) => {
      if (isReport(path)) throw diskFull();
      return actualAsync(path, ...rest);
    });
    const out = join(root, 'pages', 'report.html');
    const { code, stderr } = await runCli(['report', dir, '--out', out]);
    expect(stderr).toBe(
      `error: cannot write report.html in ${join(root, 'pages')}: no space left on the device (ENOSPC); free some space there, or write to a folder on another disk\n`,
    );
    expect(code).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(root, 'pages'))).toEqual([]);
  });
});
