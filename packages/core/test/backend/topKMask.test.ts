import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../../src/backend/index.js';
import { counterUniforms } from '../../src/random/counterRandom.js';
import { float32Vector } from './arbitraries.js';

const backend = new ReferenceBackend();

/** The spec as a sort: order by |x| descending, then index ascending, and keep the first k. */
function topKBySorting(x: Float32Array, k: number): Uint8Array {
  const order = Array.from(x.keys()).sort((i, j) => Math.abs(x[j]!) - Math.abs(x[i]!) || i - j);
  const mask = new Uint8Array(x.length);
  for (const index of order.slice(0, k)) mask[index] = 1;
  return mask;
}

/** Vectors with many exact ties (small integer magnitudes, both signs, ±0) and a k for each. */
const tiedVectorsWithK = fc
  .array(fc.constantFrom(-4, -3, -2, -1, -0, 0, 1, 2, 3, 4), { maxLength: 40 })
  .chain((values) => fc.tuple(fc.constant(Float32Array.from(values)), fc.integer({ min: 0, max: values.length })));

const vectorsWithK = float32Vector(0, 60, 1e30).chain((x) =>
  fc.tuple(fc.constant(x), fc.integer({ min: 0, max: x.length }))
);

describe('topKMask', () => {
  it('keeps the k largest magnitudes (worked by hand)', () => {
    // magnitudes 0.5, 3, 1, 2.5, 3 → k = 3 keeps indices 1 and 4 (|3|) and 3 (|2.5|)
    expect(backend.topKMask(Float32Array.of(0.5, -3, 1, 2.5, 3), 3)).toEqual(Uint8Array.of(0, 1, 0, 1, 1));
  });

  it('breaks ties towards the lower index (worked by hand)', () => {
    // four entries of magnitude 2 compete for the last two places: indices 1 and 2 win
    expect(backend.topKMask(Float32Array.of(9, 2, -2, 2, -2), 3)).toEqual(Uint8Array.of(1, 1, 1, 0, 0));
  });

  it('treats −0 and +0 as equal magnitudes', () => {
    expect(backend.topKMask(Float32Array.of(-0, 0, -0), 2)).toEqual(Uint8Array.of(1, 1, 0));
  });

  it('keeps nothing for k = 0 and everything for k = n', () => {
    const x = Float32Array.of(1, -2, 3);
    expect(backend.topKMask(x, 0)).toEqual(Uint8Array.of(0, 0, 0));
    expect(backend.topKMask(x, 3)).toEqual(Uint8Array.of(1, 1, 1));
  });

  it('separates magnitudes that differ only in their low 16 bits', () => {
    const base = 1.5;
    const nextUp = new Float32Array(
      new Uint32Array([new Uint32Array(Float32Array.of(base).buffer)[0]! + 1]).buffer
    )[0]!;
    expect(backend.topKMask(Float32Array.of(base, -nextUp, base), 1)).toEqual(Uint8Array.of(0, 1, 0));
  });

  test.prop([vectorsWithK])('equals sorting by magnitude, ties to the lower index', ([x, k]) => {
    expect(backend.topKMask(x, k)).toEqual(topKBySorting(x, k));
  });

  test.prop([tiedVectorsWithK])('with many ties has exactly k ones and equals sorting', ([x, k]) => {
    const mask = backend.topKMask(x, k);
    expect(mask.reduce((sum, bit) => sum + bit, 0)).toBe(k);
    expect(mask).toEqual(topKBySorting(x, k));
  });

  it('equals sorting on a long vector of spread magnitudes', () => {
    const key = { seed: 11, round: 0, client: 0, stream: 1000 };
    const x = counterUniforms(key, 20_000).map((u, i) => (u - 0.5) * 10 ** ((i % 7) - 3));
    expect(backend.topKMask(x, 777)).toEqual(topKBySorting(x, 777));
  });

  it('reads a view into a larger buffer without touching its neighbours', () => {
    const buffer = Float32Array.of(100, 1, -5, 3, 100);
    expect(backend.topKMask(buffer.subarray(1, 4), 2)).toEqual(Uint8Array.of(0, 1, 1));
  });
});
