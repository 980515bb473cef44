import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFedtuneError } from '@fedtune/core';
import { afterAll, describe, expect, it } from 'vitest';
import { readPemOption } from '../src/pemFile.js';
import { runCli } from './capture.js';
import { ledgerRow, ledgerText } from './ledgerRows.js';

const root = mkdtempSync(join(tmpdir(), 'fedtune-cli-user-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const posix = process.platform !== 'win32' && existsSync('/dev/zero');

/** A results folder of a 3-round run whose ledger lines have the given round numbers. */
function results(name: string, rounds: readonly number[]): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'experiment.json'), JSON.stringify({ name, seed: 1, training: { rounds: 3 } }));
  writeFileSync(join(dir, 'ledger.jsonl'), ledgerText(rounds.map((round) => ledgerRow(round))));
  return dir;
}

describe('fedtune compare and report on a ledger with an impossible round', () => {
  const damaged = results('damaged', [0, 1, 1e15]);

  it('compares the readable runs and names the damaged ledger line', async () => {
    const good = results('good', [0, 1, 2]);
    const { code, stdout, stderr } = await runCli(['compare', damaged, good]);
    expect(code).toBe(0);
    expect(stderr).toBe(
      `skipped ${damaged}: ledger.jsonl line 3 jumps to round 1000000000000000 where round 2 comes next (one line per round, from 0)\n`,
    );
    expect(stdout).toContain('good');
  });

  it('refuses a report of nothing readable with exit status 2, not an Invalid array length', async () => {
    const { code, stderr } = await runCli(['report', damaged, '--out', join(root, 'report.html')]);
    expect(code).toBe(2);
    expect(stderr).toContain(`skipped ${damaged}: ledger.jsonl line 3 jumps to round 1000000000000000`);
    expect(stderr).toContain(`error: no readable results in ${damaged}`);
  });
});

describe.runIf(posix)('PEM files', () => {
  it('refuses a --ca that links to /dev/zero or is a FIFO, before reading it', () => {
    const zero = join(root, 'zero.pem');
    symlinkSync('/dev/zero', zero);
    const pipe = join(root, 'pipe.pem');
    execFileSync('mkfifo', [pipe]);
    for (const [path, kind] of [
      [zero, `${zero} (a link to /dev/zero) is a character device`],
      [pipe, `${pipe} is a named pipe (FIFO)`],
    ] as const) {
      let error: unknown;
      try {
        readPemOption('--ca', 'certificate', path);
      } catch (caught) {
        error = caught;
      }
      expect(isFedtuneError(error, 'ConfigError')).toBe(true);
      expect((error as Error).message).toBe(`${kind}, not a regular file; give --ca the path of a PEM certificate file.`);
    }
  });
});
