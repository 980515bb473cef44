import { describe, expect, it } from 'vitest';
import { isShared, shareFeatureSet } from '../../src/federation/sharedFeatures.js';
import { separableFeatures } from '../model/fixtures.js';

describe('shareFeatureSet', () => {
  it('copies features and labels into shared memory once, keeping every value', () => {
    const pool = separableFeatures(30, 8, 3);
    const shared = shareFeatureSet(pool);
    expect(isShared(pool.features)).toBe(false);
    expect(isShared(shared.features) && isShared(shared.labels)).toBe(true);
    expect(shared.features).toEqual(pool.features);
    expect(shared.labels).toEqual(pool.labels);
    expect({ ...shared, features: 0, labels: 0 }).toEqual({ ...pool, features: 0, labels: 0 });
    expect(shareFeatureSet(shared)).toBe(shared);
  });
});
