import * as fs from 'node:fs';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ResultsFolderClaim } from '../../src/engine/resultsFolderClaim.js';
import { fedtuneErrorKind } from '../../src/errors.js';
import { checkOutputPath } from '../../src/io/outputPath.js';

// A read-only disk cannot be mounted here without root, so the calls that meet it are wrapped and a
// test makes them fail as the kernel and Node do.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, accessSync: vi.fn(actual.accessSync), mkdirSync: vi.fn(actual.mkdirSync) };
});

const root = mkdtempSync(join(tmpdir(), 'fedtune-output-path-'));
const systemError = (code: string, syscall: string) => Object.assign(new Error(`${code}: ${syscall} failed`), { code, syscall });

afterEach(() => {
  vi.mocked(fs.accessSync).mockReset();
  vi.mocked(fs.mkdirSync).mockReset();
});

/** The error `act` throws. */
function thrownBy(act: () => unknown): Error {
  try {
    act();
  } catch (error) {
    return error as Error;
  }
  throw new Error('nothing was thrown');
}

describe('a results folder on a read-only disk', () => {
  it('is refused as bad input naming the cause, not as the ENOENT a recursive mkdir reports', () => {
    const mount = join(root, 'mnt');
    mkdirSync(mount);
    vi.mocked(fs.accessSync).mockImplementation(() => {
      throw systemError('EROFS', 'access');
    });
    // Node's recursive mkdir stats the folder it could not create and reports that it is missing.
    vi.mocked(fs.mkdirSync).mockImplementation(() => {
      throw systemError('ENOENT', 'mkdir');
    });
    const error = thrownBy(() => ResultsFolderClaim.take(join(mount, 'out'), {}));
    expect(fedtuneErrorKind(error)).toBe('ConfigError');
    expect(error.message).toBe(`cannot write out in ${mount}: the file system is read-only (EROFS); choose a folder on a writable disk`);
    expect(readdirSync(mount)).toEqual([]);
  });
});

describe('checkOutputPath', () => {
  it('refuses a folder where a file goes and a file where a folder goes, naming the option', () => {
    const folder = join(root, 'folder');
    const file = join(root, 'file');
    mkdirSync(folder);
    writeFileSync(file, 'x');
    expect(thrownBy(() => checkOutputPath(folder, 'file', '--out')).message).toBe(
      `--out ${folder} is a folder; name the file to write, in it or elsewhere`,
    );
    expect(thrownBy(() => checkOutputPath(file, 'folder', '--svg')).message).toBe(
      `--svg ${file} is a file, not a folder; choose another --svg`,
    );
    expect(thrownBy(() => checkOutputPath(join(file, 'report.html'), 'file', '--out')).message).toBe(
      `--out ${join(file, 'report.html')} lies under ${file}, which is a file, not a folder; choose another --out`,
    );
  });

  it('accepts a new or existing file in a writable folder, and creates nothing', () => {
    const file = join(root, 'existing.html');
    writeFileSync(file, 'x');
    expect(checkOutputPath(file, 'file', '--out')).toBe(file);
    expect(checkOutputPath(join(root, 'new', 'deeper', 'report.html'), 'file', '--out')).toBe(join(root, 'new', 'deeper', 'report.html'));
    expect(fs.existsSync(join(root, 'new'))).toBe(false);
  });
});
