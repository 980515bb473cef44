import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../../src/backend/index.js';
import { float32Vector } from './arbitraries.js';

const backend = new ReferenceBackend();

const gridInputs = fc
  .integer({ min: 1, max: 30 })
  .chain((n) => fc.tuple(float32Vector(n, n), float32Vector(n, n), fc.integer({ min: 1, max: 16 })));

describe('gridQuantize', () => {
  it('snaps to the nearest of 2^bits grid points (worked by hand)', () => {
    // x − center = (3, −3, 0.4, −1.8), so R = 3; bits = 2 gives τ = 1/3, spacing 2τR = 2 and grid
    // offsets −3, −1, 1, 3. code = floor((x − c + R + τR)/2) = floor((7, 1, 4.4, 2.2)/2) = (3, 0, 2, 1).
    const center = Float32Array.of(10, -2, 0.5, 4);
    const x = Float32Array.of(13, -5, 0.9, 2.2);
    const codes = backend.gridQuantize(x, center, 2);
    expect(codes.radius).toBe(3);
    expect(codes.codes).toEqual(Uint32Array.of(3, 0, 2, 1));
    // center − 3 + 2·code = (13, −5, 1.5, 3)
    expect(backend.gridDequantize(codes, center, 2)).toEqual(Float32Array.of(13, -5, 1.5, 3));
  });

  it('with R = 0 gives all-zero codes and dequantises to center exactly', () => {
    const center = Float32Array.of(1.1, -2.7, 0);
    const codes = backend.gridQuantize(center, center, 4);
    expect(codes).toEqual({ radius: 0, codes: new Uint32Array(3) });
    expect(backend.gridDequantize(codes, center, 4)).toEqual(center);
  });

  it('maps the extremes to codes 0 and 2^bits − 1', () => {
    const codes = backend.gridQuantize(Float32Array.of(-1, 1, 0.25), new Float32Array(3), 8);
    expect(codes.codes[0]).toBe(0);
    expect(codes.codes[1]).toBe(255);
  });

  test.prop([gridInputs])('R is ‖x − center‖∞, codes fit in bits and the error is at most τR', ([x, center, bits]) => {
    const codes = backend.gridQuantize(x, center, bits);
    const radius = Math.max(...Array.from(x, (v, i) => Math.abs(v - center[i]!)));
    expect(codes.radius).toBe(radius);
    expect(codes.codes.every((code) => code <= 2 ** bits - 1)).toBe(true);
    const tau = 1 / (2 ** bits - 1);
    const restored = backend.gridDequantize(codes, center, bits);
    restored.forEach((value, i) => {
      // Slack: the float32 rounding of the dequantised value, relative 2^-24 of its magnitude scale.
      const slack = (Math.abs(center[i]!) + 2 * radius) * 2 ** -23;
      expect(Math.abs(value - x[i]!)).toBeLessThanOrEqual(tau * radius + slack);
    });
  });

  test.prop([gridInputs])('quantising the dequantised vector again is stable', ([x, center, bits]) => {
    const codes = backend.gridQuantize(x, center, bits);
    const restored = backend.gridDequantize(codes, center, bits);
    // Every restored point is a grid point, so it is within τR of itself: codes can move by at most
    // one step only where float32 rounding lands exactly on a cell boundary.
    const again = backend.gridQuantize(restored, center, bits);
    again.codes.forEach((code, i) => expect(Math.abs(code - codes.codes[i]!)).toBeLessThanOrEqual(1));
  });
});
