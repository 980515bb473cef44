import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../../src/backend/index.js';
import { float32Vector } from './arbitraries.js';

const backend = new ReferenceBackend();

describe('magnitudeMask', () => {
  it('marks |x_i| ≥ threshold, the threshold itself included (worked by hand)', () => {
    expect(backend.magnitudeMask(Float32Array.of(0.5, -2, 1, -1, 0), 1)).toEqual(Uint8Array.of(0, 1, 1, 1, 0));
  });

  test.prop([float32Vector(0, 30), fc.float({ min: 0, max: 1000, noNaN: true })])(
    'agrees with topKMask when the threshold is the k-th largest magnitude and magnitudes are distinct',
    (x, threshold) => {
      const mask = backend.magnitudeMask(x, threshold);
      const kept = mask.reduce((sum, bit) => sum + bit, 0);
      const distinct = new Set(Array.from(x, Math.abs)).size === x.length;
      if (distinct) expect(mask).toEqual(backend.topKMask(x, kept));
      mask.forEach((bit, i) => expect(bit).toBe(Math.abs(x[i]!) >= threshold ? 1 : 0));
    }
  );
});

describe('maskedApply', () => {
  it('keeps x where the mask is 1 and zeroes the rest (worked by hand)', () => {
    expect(backend.maskedApply(Float32Array.of(1, -2, 3, 4), Uint8Array.of(1, 0, 0, 1))).toEqual(
      Float32Array.of(1, 0, 0, 4)
    );
  });

  it('zeroes entries whose mask value is neither 0 nor 1', () => {
    expect(backend.maskedApply(Float32Array.of(5, 6), Uint8Array.of(2, 1))).toEqual(Float32Array.of(0, 6));
  });

  test.prop([float32Vector(0, 30)])('applying a top-k mask keeps the selected values and zeroes the rest', (x) => {
    const k = Math.floor(x.length / 2);
    const mask = backend.topKMask(x, k);
    const masked = backend.maskedApply(x, mask);
    masked.forEach((value, i) => expect(value).toBe(mask[i] === 1 ? x[i] : 0));
  });
});
