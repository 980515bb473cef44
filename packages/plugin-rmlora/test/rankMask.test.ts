import { fc, test as property } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { directionMask, drawRankDirections, type MaskSite } from '../src/index.js';

const key = { seed: 9, round: 2, client: 4, stream: 2 };
const site = (step: number, layer = 0, factor: MaskSite['factor'] = 'A'): MaskSite => ({ step, layer, layers: 3, factor });

describe('drawRankDirections', () => {
  property.prop([
    fc.integer({ min: 1, max: 16 }).chain((rank) => fc.tuple(fc.constant(rank), fc.integer({ min: 1, max: rank }))),
    fc.nat(10_000),
    fc.nat(2),
    fc.nat(0xffffffff),
  ])('picks k distinct directions in [0, r), ascending, the same every time', ([rank, k], step, layer, seed) => {
    const random = { ...key, seed };
    const directions = drawRankDirections(random, site(step, layer), rank, k);
    expect(directions).toHaveLength(k);
    expect(new Set(directions).size).toBe(k);
    expect(directions.every((d, i) => Number.isInteger(d) && d >= 0 && d < rank && (i === 0 || d > directions[i - 1]!))).toBe(true);
    expect(drawRankDirections(random, site(step, layer), rank, k)).toEqual(directions);
  });

  it('ignores the caller key’s stream but not its seed, round or client', () => {
    const draw = (random: typeof key) => Array.from({ length: 20 }, (_, step) => drawRankDirections(random, site(step), 8, 4));
    expect(draw({ ...key, stream: 77 })).toEqual(draw(key));
    expect(draw({ ...key, seed: 10 })).not.toEqual(draw(key));
    expect(draw({ ...key, round: 3 })).not.toEqual(draw(key));
    expect(draw({ ...key, client: 5 })).not.toEqual(draw(key));
  });

  it('draws each direction about k/r of the time, and layers and factors apart', () => {
    const steps = 4000;
    const counts = new Array<number>(8).fill(0);
    let sameAsOtherLayer = 0;
    let sameAsFactorB = 0;
    for (let step = 0; step < steps; step++) {
      const directions = drawRankDirections(key, site(step), 8, 2);
      for (const d of directions) counts[d]!++;
      if (drawRankDirections(key, site(step, 1), 8, 2).join() === directions.join()) sameAsOtherLayer++;
      if (drawRankDirections(key, site(step, 0, 'B'), 8, 2).join() === directions.join()) sameAsFactorB++;
    }
    // Each direction is drawn with probability 2/8 = 0.25, so about 1000 times (sd ≈ 27).
    for (const count of counts) expect(Math.abs(count - 1000)).toBeLessThan(120);
    // Independent draws coincide with probability 1/C(8, 2) = 1/28, about 143 times in 4000.
    expect(sameAsOtherLayer).toBeLessThan(250);
    expect(sameAsFactorB).toBeLessThan(250);
  });
});

describe('directionMask', () => {
  it('puts ones at the chosen directions', () => {
    expect(Array.from(directionMask([0, 3], 5))).toEqual([1, 0, 0, 1, 0]);
  });
});
