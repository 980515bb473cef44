import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-cli-claim-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/**
 * An experiment whose plugin is not installed: a command that got as far as loading plugins would
 * say so, so an error about --out shows the folder was checked first.
 */
const experimentFile = join(folder, 'experiment.json');
writeFileSync(experimentFile, JSON.stringify({ data: { numClients: 2 }, training: { rounds: 1 }, plugins: ['fedtune-plugin-not-installed'] }));

/** A results folder locked by a running process of this host: the test runner's parent. */
function lockedFolder(): { dir: string; lock: string } {
  const dir = mkdtempSync(join(folder, 'locked-'));
  const lock = JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: '2025-01-01T00:00:00.000Z' });
  writeFileSync(join(dir, '.fedtune.lock'), lock);
  return { dir, lock };
}

describe('fedtune run and serve take their results folder before loading anything', () => {
  it('refuses an --out under a regular file, before plugins or data load, and exits 2', async () => {
    const file = join(folder, 'somefile');
    writeFileSync(file, 'a file');
    const { code, stderr } = await runCli(['run', experimentFile, '--out', join(file, 'run')]);
    expect(code).toBe(2);
    expect(stderr).toBe(`error: --out ${join(file, 'run')} lies under ${file}, which is a file, not a folder; choose another --out\n`);
    expect(readFileSync(file, 'utf8')).toBe('a file');
  });

  it('refuses an --out whose name is too long for the file system, and exits 2', async () => {
    const { code, stderr } = await runCli(['run', experimentFile, '--out', join(folder, 'x'.repeat(300))]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `error: cannot write ${'x'.repeat(80)}… in ${folder}: a name in the path is too long for the file system (ENAMETOOLONG); choose a shorter name\n`,
    );
  });

  it('refuses a folder another running process holds, naming it, and leaves the folder as it was', async () => {
    for (const command of [
      ['run', experimentFile, '--overwrite'],
      ['serve', experimentFile, '--listen', '127.0.0.1:0', '--tokens', join(folder, 'no-tokens.json'), '--overwrite'],
    ]) {
      const { dir, lock } = lockedFolder();
      const { code, stderr } = await runCli([...command, '--out', dir]);
      expect(code).toBe(2);
      expect(stderr).toContain(`error: results folder ${dir} is in use by process ${process.ppid} on ${hostname()} (started 2025-01-01T00:00:00.000Z)`);
      expect(readdirSync(dir)).toEqual(['.fedtune.lock']);
      expect(readFileSync(join(dir, '.fedtune.lock'), 'utf8')).toBe(lock);
    }
  });

  it('takes the claim on --resume too', async () => {
    const { dir } = lockedFolder();
    const experiment = { data: { numClients: 2 }, training: { rounds: 1 } };
    writeFileSync(join(dir, 'resume.json'), JSON.stringify({ experiment, experimentDir: '.', checkpointEvery: 1 }));
    const { code, stderr } = await runCli(['run', '--resume', dir]);
    expect(code).toBe(2);
    expect(stderr).toContain(`results folder ${dir} is in use by process ${process.ppid}`);
  });
});
