import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { nearestSurrogates } from '../src/index.js';

/** A hand-built symmetric distance matrix over clients 0–4. */
const S = [
  [0, 2, 5, 2, 9],
  [2, 0, 7, 4, 6],
  [5, 7, 0, 1, 3],
  [2, 4, 1, 0, 8],
  [9, 6, 3, 8, 0],
];
const distance = (u: number, v: number) => S[u]![v]!;

describe('nearestSurrogates', () => {
  it('stands in for each missing client with its nearest received one, ties to the lowest id', () => {
    // Received 1, 3, 4. Client 0: S = 2 to both 1 and 3 → 1. Client 2: 7, 1, 3 → 3.
    expect(nearestSurrogates([0, 2], [4, 3, 1], distance)).toEqual(
      new Map([
        [0, 1],
        [2, 3],
      ]),
    );
    // Received 2 and 4 only. Client 0: 5 vs 9 → 2. Client 1: 7 vs 6 → 4. Client 3: 1 vs 8 → 2.
    expect(nearestSurrogates([0, 1, 3], [2, 4], distance)).toEqual(
      new Map([
        [0, 2],
        [1, 4],
        [3, 2],
      ]),
    );
  });

  it('gives no surrogate when nothing arrived or no distance is known', () => {
    expect(nearestSurrogates([0, 1], [], distance).size).toBe(0);
    expect(nearestSurrogates([0], [1, 2], () => Infinity).size).toBe(0);
  });

  test.prop([
    fc.integer({ min: 2, max: 12 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        // Small integer distances make ties common.
        d: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n * n, maxLength: n * n }),
        arrived: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      }),
    ),
  ])('picks a received client at minimal distance, the lowest id among equals', ({ n, d, arrived }) => {
    const dist = (u: number, v: number) => d[u * n + v]!;
    const received = [...Array(n).keys()].filter((i) => arrived[i]);
    const missing = [...Array(n).keys()].filter((i) => !arrived[i]);
    const surrogates = nearestSurrogates(missing, received, dist);
    for (const u of missing) {
      if (received.length === 0) {
        expect(surrogates.has(u)).toBe(false);
        continue;
      }
      const best = Math.min(...received.map((v) => dist(u, v)));
      expect(surrogates.get(u)).toBe(received.find((v) => dist(u, v) === best));
    }
  });
});
