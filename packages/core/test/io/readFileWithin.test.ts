import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointError, ConfigError, DataError } from '../../src/errors.js';
import { nodeByteSource } from '../../src/io/nodeByteSource.js';
import { loadBaseModel } from '../../src/model/formats/baseModelFile.js';
import { readFileWithin, readTextFileWithin } from '../../src/io/readFileWithin.js';

const root = mkdtempSync(join(tmpdir(), 'fedtune-read-within-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const expectation = { what: 'a test file', maxBytes: 1024, error: ConfigError };
/** Devices and FIFOs exist on every system but Windows. */
const posix = process.platform !== 'win32' && existsSync('/dev/zero');

/** A FIFO at `path`, made with `mkfifo` (no writer ever opens it). */
function fifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

describe('readFileWithin', () => {
  it('reads a regular file, or a link to one, byte for byte', () => {
    const file = join(root, 'plain.txt');
    writeFileSync(file, 'héllo\n');
    const link = join(root, 'plain-link');
    symlinkSync(file, link);
    expect(readTextFileWithin(file, expectation)).toBe('héllo\n');
    expect(Array.from(readFileWithin(link, expectation))).toEqual(Array.from(Buffer.from('héllo\n')));
    expect(readFileWithin(join(root, 'plain.txt'), { ...expectation, maxBytes: 7 })).toHaveLength(7);
  });

  it.runIf(posix)('refuses a link to /dev/zero before reading, naming where it leads and what was expected', () => {
    const link = join(root, 'zero-link');
    symlinkSync('/dev/zero', link);
    expect(() => readFileWithin(link, { ...expectation, error: CheckpointError })).toThrow(CheckpointError);
    expect(() => readFileWithin(link, expectation)).toThrow(
      `${link} (a link to /dev/zero) is a character device, not a regular file; check that the path names a test file.`,
    );
  });

  it.runIf(posix)('refuses a FIFO without waiting for a writer', () => {
    const pipe = fifo(join(root, 'pipe'));
    expect(() => readFileWithin(pipe, expectation)).toThrow(`${pipe} is a named pipe (FIFO), not a regular file`);
  });

  it('refuses a folder', () => {
    const folder = join(root, 'folder');
    mkdirSync(folder);
    expect(() => readFileWithin(folder, expectation)).toThrow(`${folder} is a folder, not a regular file`);
  });

  it('refuses a file over the limit from its size, without reading it', () => {
    // Sparse: 3 GiB that take no disk and would take 3 GiB of memory if read.
    const huge = join(root, 'huge.bin');
    writeFileSync(huge, '');
    truncateSync(huge, 3 * 2 ** 30);
    expect(() => readFileWithin(huge, expectation)).toThrow(
      `${huge} is 3221225472 bytes, over the 1024-byte limit for a test file; check that the path names a test file.`,
    );
  });

  it.runIf(existsSync('/proc/self/status'))('cuts off a file that holds more than its size says', () => {
    // Files under /proc say they are empty and hold more than a kilobyte.
    expect(() => readFileWithin('/proc/self/status', { ...expectation, maxBytes: 100 })).toThrow(
      '/proc/self/status grew while being read, over the 100-byte limit',
    );
    expect(readTextFileWithin('/proc/self/status', { ...expectation, maxBytes: 65_536 })).toMatch(/^Name:/);
  });

  it('leaves a missing file to the caller as the file system reports it', () => {
    expect(() => readFileWithin(join(root, 'missing'), expectation)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});

describe('nodeByteSource', () => {
  it.runIf(posix)('refuses a data file that is a link to /dev/zero or a FIFO, with a DataError', async () => {
    const folder = join(root, 'source');
    mkdirSync(join(folder, 'fashion-mnist'), { recursive: true });
    symlinkSync('/dev/zero', join(folder, 'fashion-mnist', 'SHA256SUMS'));
    fifo(join(folder, 'base.safetensors'));
    const source = nodeByteSource(folder);
    await expect(source.read('fashion-mnist/SHA256SUMS')).rejects.toThrow(DataError);
    await expect(source.read('fashion-mnist/SHA256SUMS')).rejects.toThrow(
      /SHA256SUMS \(a link to \/dev\/zero\) is a character device, not a regular file; check that .* holds fashion-mnist\/SHA256SUMS as a regular file\./,
    );
    await expect(source.read('base.safetensors')).rejects.toThrow(/base\.safetensors is a named pipe \(FIFO\)/);
  });

  it('refuses a file over its limit', async () => {
    const folder = join(root, 'small-source');
    mkdirSync(folder);
    writeFileSync(join(folder, 'big'), new Uint8Array(100));
    await expect(nodeByteSource(folder, { maxBytes: 99 }).read('big')).rejects.toThrow(
      /big is 100 bytes, over the 99-byte limit/,
    );
    expect(await nodeByteSource(folder, { maxBytes: 100 }).read('big')).toHaveLength(100);
  });
});

describe('loadBaseModel', () => {
  it.runIf(posix)('refuses a base that is a link to /dev/zero or a FIFO, with a CheckpointError', async () => {
    const zero = join(root, 'zero.safetensors');
    symlinkSync('/dev/zero', zero);
    await expect(loadBaseModel(zero)).rejects.toThrow(CheckpointError);
    await expect(loadBaseModel(zero)).rejects.toThrow(
      `${zero} (a link to /dev/zero) is a character device, not a regular file; check that the path names a safetensors file.`,
    );
    const pipe = fifo(join(root, 'pipe.safetensors'));
    await expect(loadBaseModel(pipe)).rejects.toThrow(`${pipe} is a named pipe (FIFO), not a regular file`);
  });
});
