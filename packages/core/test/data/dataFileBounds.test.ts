import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import { loadFashionMnist } from '../../src/data/fashionMnist.js';
import { writeFashionMnistFolder } from '../../src/data/fashionMnistWriter.js';
import { decodeIdx, decodeIdxBytes, encodeIdx, readIdxFile } from '../../src/data/idx.js';
import { loadFortuneCorpus, MAX_FORTUNE_FILE_BYTES } from '../../src/data/text/fortuneCorpus.js';
import { syntheticImages, useTempDirs } from './fixtures.js';

const tempDir = useTempDirs();
const posix = process.platform !== 'win32' && existsSync('/dev/zero');

/** An IDX header declaring `dims` (big-endian), as the format writes it. */
function idxHeader(dims: readonly number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((dim, d) => new DataView(header.buffer).setUint32(4 + 4 * d, dim, false));
  return header;
}

/**
 * A gzip bomb: the header of a small IDX array, then `mebibytes` MiB of zeros, as concatenated gzip
 * members (one compressed mebibyte repeated), so it is cheap to build and about 1000× smaller than
 * what it inflates to.
 */
function gzipBomb(dims: readonly number[], mebibytes: number): Buffer {
  const zeros = gzipSync(new Uint8Array(2 ** 20), { level: 9 });
  return Buffer.concat([gzipSync(idxHeader(dims)), ...Array.from({ length: mebibytes }, () => zeros)]);
}

describe('IDX files are bounded before they are read', () => {
  it.runIf(posix)('refuses a link to /dev/zero and a FIFO, naming the path and what was expected', () => {
    const dir = tempDir();
    const zero = join(dir, 'zero.gz');
    symlinkSync('/dev/zero', zero);
    expect(() => readIdxFile(zero)).toThrow(DataError);
    expect(() => readIdxFile(zero)).toThrow(
      `${zero} (a link to /dev/zero) is a character device, not a regular file; check that the path names an IDX data file.`,
    );
    const pipe = join(dir, 'pipe');
    execFileSync('mkfifo', [pipe]);
    expect(() => readIdxFile(pipe)).toThrow(`${pipe} is a named pipe (FIFO), not a regular file`);
  });

  it.runIf(posix)('refuses a Fashion-MNIST folder whose image file is a FIFO, instead of waiting on it', () => {
    const dir = tempDir();
    const images = syntheticImages([0, 1, 2]);
    writeFashionMnistFolder(dir, { train: images, test: images });
    const trainImages = join(dir, 'train-images-idx3-ubyte.gz');
    unlinkSync(trainImages);
    execFileSync('mkfifo', [trainImages]);
    expect(() => loadFashionMnist({ source: dir })).toThrow(
      `${trainImages} is a named pipe (FIFO), not a regular file; check that the path names a Fashion-MNIST IDX file.`,
    );
  });

  it('names a file that cannot be read as a DataError', () => {
    const missing = join(tempDir(), 'missing.gz');
    expect(() => readIdxFile(missing)).toThrow(DataError);
    expect(() => readIdxFile(missing)).toThrow(/missing\.gz cannot be read \(ENOENT/);
  });
});

describe('fortune collections are bounded before they are read', () => {
  it('refuses a collection over the limit from its size', () => {
    const root = tempDir();
    writeFileSync(join(root, 'ok'), 'A fortune.\n%\n');
    const huge = join(root, 'huge');
    // Sparse, so the test writes nothing; reading it would fill memory.
    writeFileSync(huge, '');
    truncateSync(huge, 3 * 2 ** 30);
    expect(() => loadFortuneCorpus({ root, languages: ['en'] })).toThrow(DataError);
    expect(() => loadFortuneCorpus({ root, languages: ['en'] })).toThrow(
      `${huge} is 3221225472 bytes, over the ${MAX_FORTUNE_FILE_BYTES}-byte limit for a fortune collection`,
    );
  });
});

describe('gzipped IDX data inflates no further than its header declares', () => {
  const bomb = gzipBomb([10, 28, 28], 64);
  const declared = /bomb\.gz: the gzip data inflates to more than the 7856 bytes its IDX header declares \(dimensions 10×28×28\)/;

  it('stops a bomb at its declared size, decoding in one go or as a stream', async () => {
    expect(() => decodeIdx(bomb, 'bomb.gz')).toThrow(declared);
    await expect(decodeIdxBytes(bomb, 'bomb.gz')).rejects.toThrow(declared);
  });

  it('refuses a header that declares more than the limit before inflating the data', async () => {
    const huge = gzipBomb([2 ** 16, 2 ** 15], 4);
    const limit = /huge\.gz: larger than the 1073741824-byte limit for decoded IDX files/;
    expect(() => decodeIdx(huge, 'huge.gz')).toThrow(limit);
    await expect(decodeIdxBytes(huge, 'huge.gz')).rejects.toThrow(limit);
  });

  it('still decodes data exactly as large as declared, gzipped or not', async () => {
    const array = { dims: [3, 28, 28], data: Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 251) };
    expect(decodeIdx(encodeIdx(array), 'ok.gz')).toEqual(array);
    expect(await decodeIdxBytes(encodeIdx(array), 'ok.gz')).toEqual(array);
  });

  it('refuses gzip data whose start holds no IDX header', () => {
    // Empty gzip members before the header: no IDX writer makes them, and reading past them would
    // let a bomb hide its header.
    const padded = Buffer.concat([...Array.from({ length: 300 }, () => gzipSync(new Uint8Array(0))), gzipBomb([1], 8)]);
    expect(() => decodeIdx(padded, 'padded.gz')).toThrow(
      /padded\.gz: the first 4096 bytes of gzip data inflate to no whole IDX header/,
    );
  });

  it('stays far below a 256 MB heap on a bomb of 3 GiB, failing with the clear error', () => {
    const path = join(tempDir(), 'bomb.gz');
    writeFileSync(path, gzipBomb([1000, 28, 28], 3 * 1024));
    // Node runs the TypeScript sources through the hooks the training workers use.
    const hooks = new URL('../../src/engine/training/typescriptHooks.mjs', import.meta.url).href;
    const idx = pathToFileURL(join(import.meta.dirname, '../../src/data/idx.ts')).href;
    const script = `
      import { register } from 'node:module';
      register(${JSON.stringify(hooks)});
      const { readIdxFile } = await import(${JSON.stringify(idx)});
      const before = process.resourceUsage().maxRSS;
      let message = 'no error';
      try { readIdxFile(${JSON.stringify(path)}); } catch (error) { message = error.name + ': ' + error.message; }
      const grownMegabytes = (process.resourceUsage().maxRSS - before) / 1024;
      console.log(JSON.stringify({ message, grownMegabytes }));`;
    const child = spawnSync(process.execPath, ['--max-old-space-size=256', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const result = JSON.parse(child.stdout) as { message: string; grownMegabytes: number };
    expect(result.message).toMatch(
      /^DataError: .*bomb\.gz: the gzip data inflates to more than the 784016 bytes its IDX header declares/,
    );
    // Before the limit was the header's, the bomb inflated to the 1 GiB limit.
    expect(result.grownMegabytes).toBeLessThan(64);
  });
});
