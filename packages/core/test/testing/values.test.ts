import { describe, expect, it } from 'vitest';
import { buildVector, MAX_FLOAT32, MIN_NORMAL_FLOAT32 } from '../../src/testing/values.js';

describe('the conformance kit’s test vectors', () => {
  it('rebuild identically from their recipe', () => {
    const recipe = { length: 500, seed: 9, profile: 'mixed', largest: 2 ** 60 } as const;
    expect(buildVector(recipe)).toEqual(buildVector(recipe));
    expect(buildVector({ ...recipe, seed: 10 })).not.toEqual(buildVector(recipe));
  });

  it('mix zeros of both signs, subnormals, tiny normals, ordinary and large values', () => {
    const x = buildVector({ length: 4000, seed: 1, profile: 'mixed', largest: MAX_FLOAT32 });
    const magnitudes = Array.from(x, Math.abs);
    expect(x.some((v) => Object.is(v, -0))).toBe(true);
    expect(x.some((v) => Object.is(v, 0))).toBe(true);
    expect(magnitudes.some((m) => m > 0 && m < MIN_NORMAL_FLOAT32)).toBe(true);
    expect(magnitudes.some((m) => m >= MIN_NORMAL_FLOAT32 && m < 2 * MIN_NORMAL_FLOAT32)).toBe(true);
    expect(magnitudes.some((m) => m >= 1e-3 && m <= 1e3)).toBe(true);
    expect(magnitudes.some((m) => m > 1e30)).toBe(true);
    expect(magnitudes.every((m) => m <= MAX_FLOAT32)).toBe(true);
  });

  it('keep the large values of the mixed profile below the recipe’s largest magnitude', () => {
    const x = buildVector({ length: 4000, seed: 2, profile: 'mixed', largest: 2 ** 50 });
    expect(Math.max(...Array.from(x, Math.abs))).toBeLessThanOrEqual(2 ** 50);
  });

  it('give small integers, with ties, in the integers profile', () => {
    const x = buildVector({ length: 200, seed: 3, profile: 'integers', largest: 1 });
    expect(x.every((v) => Number.isInteger(v) && Math.abs(v) <= 8)).toBe(true);
    expect(new Set(Array.from(x, Math.abs)).size).toBeLessThanOrEqual(9);
  });
});
