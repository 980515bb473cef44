import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { splitUpstreamDownstream, stratifiedSubset } from '../../src/data/splits.js';
import { ConfigError } from '../../src/errors.js';
import { RandomStream, RandomStreams } from '../../src/random/counterRandom.js';

const stream = (seed: number) => new RandomStream({ seed, round: 0, client: 0, stream: RandomStreams.subset });

const count = (labels: readonly number[], indices: ArrayLike<number>, c: number) =>
  Array.from(indices).filter((i) => labels[i] === c).length;

/** Labels of 1–120 images over classes 0–4. */
const labelLists = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 120 });

describe('splitUpstreamDownstream', () => {
  it('alternates within each class (worked by hand)', () => {
    // class 0 at 0,2,3,8 → pools up {0,3}, down {2,8}; class 1 at 1,4,7 → up {1,7}, down {4};
    // class 2 at 5,6 is not an upstream class → all downstream {5,6}
    const split = splitUpstreamDownstream([0, 1, 0, 0, 1, 2, 2, 1, 0], [0, 1]);
    expect(Array.from(split.upstream)).toEqual([0, 1, 3, 7]);
    expect(Array.from(split.downstream)).toEqual([2, 4, 5, 6, 8]);
  });

  test.prop([
    labelLists.chain((labels) => fc.tuple(fc.constant(labels), fc.subarray([...new Set(labels)], { minLength: 1 }))),
  ])('gives disjoint, stratified pools', ([labels, upstreamClasses]) => {
    const { upstream, downstream } = splitUpstreamDownstream(labels, upstreamClasses);
    const up = new Set(upstream);
    expect(Array.from(downstream).some((i) => up.has(i))).toBe(false);
    for (let c = 0; c <= 4; c++) {
      const n = labels.filter((l) => l === c).length;
      expect(count(labels, downstream, c)).toBe(upstreamClasses.includes(c) ? Math.floor(n / 2) : n);
      expect(count(labels, upstream, c)).toBe(upstreamClasses.includes(c) ? Math.ceil(n / 2) : 0);
    }
    expect(Array.from(upstream)).toEqual(Array.from(upstream).sort((a, b) => a - b));
  });

  it('refuses an empty or absent upstream class list', () => {
    expect(() => splitUpstreamDownstream([0, 1], [])).toThrow(ConfigError);
    expect(() => splitUpstreamDownstream([0, 1, 3], [2])).toThrow(/class 2 does not occur.*classes 0–3/);
  });
});

describe('stratifiedSubset', () => {
  it('apportions by largest remainders (worked by hand)', () => {
    // class sizes 5, 3, 2 and total 7: exact shares 3.5, 2.1, 1.4 → floors 3, 2, 1 and the
    // last place goes to the largest remainder, class 0
    const labels = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2];
    const subset = stratifiedSubset(
      labels,
      labels.map((_, i) => i),
      7,
      stream(1),
    );
    expect([0, 1, 2].map((c) => count(labels, subset, c))).toEqual([4, 2, 1]);
  });

  test.prop([
    labelLists.chain((labels) =>
      fc.tuple(
        fc.constant(labels),
        fc.shuffledSubarray(Array.from(labels.keys()), { minLength: 1 }),
        fc.integer({ min: 1, max: 130 }),
        fc.nat(),
      ),
    ),
  ])('is a proportional, order-keeping, deterministic sample', ([labels, indices, total, seed]) => {
    const subset = stratifiedSubset(labels, indices, total, stream(seed));
    expect(subset.length).toBe(Math.min(total, indices.length));
    // order kept: the subset is `indices` with some entries left out
    expect(Array.from(subset)).toEqual(indices.filter((i) => subset.includes(i)));
    for (let c = 0; c <= 4; c++) {
      const share = (Math.min(total, indices.length) * count(labels, indices, c)) / indices.length;
      const got = count(labels, subset, c);
      expect(got === Math.floor(share) || got === Math.ceil(share)).toBe(true);
    }
    expect(stratifiedSubset(labels, indices, total, stream(seed))).toEqual(subset);
  });

  it('draws differently for different seeds', () => {
    const labels = Array.from({ length: 200 }, (_, i) => i % 2);
    const all = labels.map((_, i) => i);
    expect(stratifiedSubset(labels, all, 20, stream(1))).not.toEqual(stratifiedSubset(labels, all, 20, stream(2)));
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => stratifiedSubset([0], [0], 0, stream(0))).toThrow(ConfigError);
    expect(() => stratifiedSubset([0], [0], 1.5, stream(0))).toThrow(/positive integer/);
  });
});
