import { describe, expect, it } from 'vitest';
import { isShared, shareFeatureSet } from '../../../src/engine/training/sharedFeatures.js';
import { examplePool } from './fixtures.js';

describe('shareFeatureSet', () => {
  it('copies features and labels into shared memory once, keeping every value', () => {
    const pool = examplePool(30);
    const shared = shareFeatureSet(pool);
    expect(isShared(pool.features)).toBe(false);
    expect(isShared(shared.features) && isShared(shared.labels)).toBe(true);
    expect(shared.features).toEqual(pool.features);
    expect(shared.labels).toEqual(pool.labels);
    expect({ ...shared, features: 0, labels: 0 }).toEqual({ ...pool, features: 0, labels: 0 });
    expect(shareFeatureSet(shared)).toBe(shared);
  });
});
