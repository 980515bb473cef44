import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DataError, ShapeError } from '../../src/errors.js';
import { decodeIdx, encodeIdx, isGzip, readIdxFile, writeIdxFile } from '../../src/data/idx.js';
import { useTempDirs } from './fixtures.js';

const tempDir = useTempDirs();

/** Small IDX arrays: 1–3 dimensions of 0–6 each, with matching random bytes. */
const idxArrays = fc
  .array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 })
  .chain((dims) =>
    fc
      .uint8Array({ minLength: dims.reduce((a, b) => a * b, 1), maxLength: dims.reduce((a, b) => a * b, 1) })
      .map((data) => ({ dims, data })),
  );

/** Writes raw bytes to `name` in a fresh temp folder and returns the path. */
function fixture(name: string, bytes: Uint8Array): string {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return path;
}

describe('IDX encoding', () => {
  it('writes the header byte by byte as the format defines it', () => {
    const raw = encodeIdx({ dims: [2, 3], data: Uint8Array.of(1, 2, 3, 4, 5, 6) }, { gzip: false });
    // 00 00 | 08 unsigned byte | 02 dims | 2 and 3 as big-endian uint32 | data
    expect(Array.from(raw)).toEqual([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
  });

  it('decodes dimensions above 255 big-endian', () => {
    const raw = Uint8Array.of(0, 0, 8, 1, 0, 0, 1, 2, ...new Uint8Array(258));
    expect(decodeIdx(raw, 'x').dims).toEqual([258]);
  });

  test.prop([idxArrays, fc.boolean()])('round-trips through encode and decode', (array, gzip) => {
    const decoded = decodeIdx(encodeIdx(array, { gzip }), 'round-trip');
    expect(decoded.dims).toEqual(array.dims);
    expect(decoded.data).toEqual(array.data);
  });

  it('round-trips through files, gzipped or not', () => {
    const dir = tempDir();
    const array = { dims: [3, 2, 2], data: Uint8Array.from({ length: 12 }, (_, i) => 255 - i) };
    writeIdxFile(join(dir, 'a.gz'), array);
    writeIdxFile(join(dir, 'a'), array, { gzip: false });
    expect(readIdxFile(join(dir, 'a.gz'))).toEqual(array);
    expect(readIdxFile(join(dir, 'a'))).toEqual(array);
  });

  it('gzips by default, with a fixed header, so the same data gives the same bytes', () => {
    const array = { dims: [4], data: Uint8Array.of(9, 8, 7, 6) };
    const zipped = encodeIdx(array);
    expect(isGzip(zipped)).toBe(true);
    expect(Array.from(zipped.subarray(4, 8))).toEqual([0, 0, 0, 0]); // no timestamp
    expect(zipped[9]).toBe(3); // OS byte pinned to Unix
    expect(encodeIdx(array)).toEqual(zipped);
    expect(Array.from(gunzipSync(zipped))).toEqual(Array.from(encodeIdx(array, { gzip: false })));
  });

  it('refuses data whose length is not the product of the dimensions', () => {
    expect(() => encodeIdx({ dims: [2, 2], data: new Uint8Array(3) })).toThrow(ShapeError);
    expect(() => encodeIdx({ dims: [], data: new Uint8Array(1) })).toThrow(ShapeError);
    expect(() => encodeIdx({ dims: [1.5], data: new Uint8Array(1) })).toThrow(ShapeError);
  });
});

describe('IDX decoding of broken files', () => {
  const valid = encodeIdx({ dims: [2, 2, 2], data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) }, { gzip: false });

  /** The DataError that reading `bytes` from a file called `name` raises. */
  function failure(name: string, bytes: Uint8Array): DataError {
    const path = fixture(name, bytes);
    try {
      readIdxFile(path);
    } catch (error) {
      expect(error).toBeInstanceOf(DataError);
      expect((error as Error).message).toContain(path);
      return error as DataError;
    }
    throw new Error(`reading ${name} did not fail`);
  }

  it('names a file truncated inside its data', () => {
    expect(failure('short-data', valid.subarray(0, valid.length - 3)).message).toMatch(
      /truncated: dimensions 2×2×2 need 8 data bytes, the file holds 5/,
    );
  });

  it('names a file truncated inside its header', () => {
    expect(failure('short-header', valid.subarray(0, 9)).message).toMatch(/truncated.*16-byte header/);
    expect(failure('tiny', valid.subarray(0, 2)).message).toMatch(/truncated.*4-byte IDX magic/);
  });

  it('names a gzipped file that is truncated', () => {
    const zipped = gzipSync(valid);
    expect(failure('cut.gz', zipped.subarray(0, zipped.length - 10)).message).toMatch(/corrupt gzip data/);
  });

  it('names a gzipped file whose payload is damaged', () => {
    const zipped = Uint8Array.from(gzipSync(valid));
    zipped[zipped.length - 6]! ^= 0xff; // inside the CRC-32 trailer
    expect(failure('damaged.gz', zipped).message).toMatch(/corrupt gzip data/);
  });

  it('names a file with a wrong magic number', () => {
    const bad = Uint8Array.from(valid);
    bad[0] = 0x42;
    expect(failure('bad-magic', bad).message).toMatch(/not an IDX file: magic starts 42 00 08 03/);
  });

  it('names a file of an element type other than unsigned bytes', () => {
    const floats = Uint8Array.from(valid);
    floats[2] = 0x0d;
    expect(failure('floats', floats).message).toMatch(/element type 0x0d is not supported/);
  });

  it('names a file with trailing bytes beyond its dimensions', () => {
    const long = Uint8Array.of(...valid, 0, 0);
    expect(failure('long', long).message).toMatch(/2 bytes of trailing data after the 8 data bytes/);
  });

  it('names a file that declares zero dimensions', () => {
    expect(failure('rank0', Uint8Array.of(0, 0, 8, 0, 1)).message).toMatch(/0 dimensions/);
  });

  it('stops at the size limit instead of inflating a huge file', () => {
    const big = encodeIdx({ dims: [5000], data: new Uint8Array(5000) });
    expect(() => decodeIdx(big, 'big.gz', { maxBytes: 1000 })).toThrow(/big\.gz: larger than the 1000-byte limit/);
    const raw = encodeIdx({ dims: [5000], data: new Uint8Array(5000) }, { gzip: false });
    expect(() => decodeIdx(raw, 'big', { maxBytes: 1000 })).toThrow(/big: larger than the 1000-byte limit/);
    expect(decodeIdx(big, 'big.gz', { maxBytes: 5008 }).dims).toEqual([5000]);
  });
});
