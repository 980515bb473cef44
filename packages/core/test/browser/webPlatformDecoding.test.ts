import { fc, test } from '@fast-check/vitest';
import { describe, expect, it, vi } from 'vitest';
import { sha256Hex } from '../../src/data/checksums.js';
import { decodeIdx, encodeIdx } from '../../src/data/idx.js';
import { decodeIdxBytes } from '../../src/data/idxDecode.js';
import { sha256HexOf } from '../../src/data/sha256Sums.js';
import { sharedMemory } from '../../src/data/sharedMemory.js';
import { isShared, shareFeatureSet } from '../../src/federation/sharedFeatures.js';
import { isFedtuneError } from '../../src/errors.js';

/** Small IDX arrays: 1–3 dimensions of 0–6 each, with matching random bytes. */
const idxArrays = fc
  .array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 })
  .chain((dims) => {
    const length = dims.reduce((a, b) => a * b, 1);
    return fc.uint8Array({ minLength: length, maxLength: length }).map((data) => ({ dims, data }));
  });

describe('decoding with the web platform (browsers)', () => {
  test.prop([idxArrays, fc.boolean()])('decodeIdxBytes gives what decodeIdx gives, gzipped or not', async (array, gzip) => {
    const bytes = encodeIdx(array, { gzip });
    const decoded = await decodeIdxBytes(bytes, 'x.idx');
    expect(decoded).toEqual(decodeIdx(bytes, 'x.idx'));
    expect(decoded.dims).toEqual(array.dims);
    expect(Array.from(decoded.data)).toEqual(Array.from(array.data));
  });

  it('names the file and the fix for corrupt gzip data', async () => {
    const bytes = encodeIdx({ dims: [64], data: new Uint8Array(64).fill(7) });
    const corrupt = bytes.slice(0, bytes.length - 6);
    const error = await decodeIdxBytes(corrupt, 'labels.gz').catch((caught: unknown) => caught);
    expect(isFedtuneError(error, 'DataError')).toBe(true);
    expect((error as Error).message).toMatch(/^labels\.gz: corrupt gzip data .*Replace it with an intact copy/);
  });

  it('stops gunzipping once the output passes maxBytes', async () => {
    const bytes = encodeIdx({ dims: [4096], data: new Uint8Array(4096) });
    await expect(decodeIdxBytes(bytes, 'big.gz', { maxBytes: 1000 })).rejects.toThrow(/big\.gz: larger than the 1000-byte limit/);
    await expect(decodeIdxBytes(bytes, 'big.gz', { maxBytes: 5000 })).resolves.toMatchObject({ dims: [4096] });
  });

  test.prop([fc.uint8Array({ maxLength: 300 })])('sha256HexOf (WebCrypto) equals sha256Hex (node:crypto)', async (bytes) => {
    expect(await sha256HexOf(bytes)).toBe(sha256Hex(bytes));
  });
});

describe('shared memory where the platform has none', () => {
  it('falls back to plain memory, and shareFeatureSet keeps the set as it is', () => {
    const set = { count: 1, featureSize: 2, numClasses: 2, features: Float32Array.of(0.5, 1), labels: Int32Array.of(1) };
    expect(sharedMemory(8)).toBeInstanceOf(SharedArrayBuffer);
    expect(isShared(shareFeatureSet(set).features)).toBe(true);
    vi.stubGlobal('SharedArrayBuffer', undefined);
    try {
      const memory = sharedMemory(8);
      expect(memory).toBeInstanceOf(ArrayBuffer);
      expect(memory.byteLength).toBe(8);
      expect(shareFeatureSet(set)).toBe(set);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
