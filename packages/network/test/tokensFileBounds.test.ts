import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFedtuneError } from '@fedtune/core';
import { afterAll, describe, expect, it } from 'vitest';
import { readTokensFile } from '../src/index.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-tokens-bounds-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const posix = process.platform !== 'win32' && existsSync('/dev/zero');

/** The message of the ConfigError `read` throws (exit status 2 in the CLI). */
function configErrorOf(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(isFedtuneError(error, 'ConfigError')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

describe('a tokens file is checked before it is read', () => {
  it.runIf(posix)('refuses a link to /dev/zero and a FIFO instead of reading without end or waiting', () => {
    const zero = join(folder, 'zero.json');
    symlinkSync('/dev/zero', zero);
    expect(configErrorOf(() => readTokensFile(zero))).toBe(
      `${zero} (a link to /dev/zero) is a character device, not a regular file; give the path of the tokens file.`,
    );
    const pipe = join(folder, 'pipe.json');
    execFileSync('mkfifo', [pipe]);
    expect(configErrorOf(() => readTokensFile(pipe))).toBe(
      `${pipe} is a named pipe (FIFO), not a regular file; give the path of the tokens file.`,
    );
  });

  it('refuses a file far larger than any tokens file from its size', () => {
    const huge = join(folder, 'huge.json');
    writeFileSync(huge, '');
    // Sparse: reading it would take 3 GiB.
    truncateSync(huge, 3 * 2 ** 30);
    expect(configErrorOf(() => readTokensFile(huge))).toMatch(
      new RegExp(`^${huge} is 3221225472 bytes, over the \\d+-byte limit for a tokens file`),
    );
  });
});
