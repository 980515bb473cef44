import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aquilaBits, quantiseInnovation } from '../src/index.js';
import { backend } from './helpers.js';

describe('aquilaBits: b* = ⌊log₂(R·√d/‖g − q‖₂ + 1)⌋', () => {
  it('matches hand-worked vectors', () => {
    // d = 100, g − q = (10, 1, …, 1): R = 10, ‖·‖₂ = √199 = 14.107, R·√d/‖·‖₂ = 100/14.107 = 7.089,
    // log₂(8.089) = 3.016 → 3.
    const q = new Float32Array(100).fill(0.5);
    const g = q.map((v, i) => v + (i === 0 ? 10 : 1));
    expect(quantiseInnovation(backend, g, q, 'aquila').bits).toBe(3);
    // d = 9, one spike of 3: ratio 3·3/3 = 3, log₂(4) = 2.
    expect(aquilaBits(3, 3, 9)).toBe(2);
    // d = 4, (2, 1, 1, 1): ratio 2·2/√7 = 1.512, log₂(2.512) = 1.33 → 1.
    expect(aquilaBits(2, Math.sqrt(7), 4)).toBe(1);
    // d = 256, one spike: ratio 16, log₂(17) = 4.09 → 4.
    expect(aquilaBits(0.25, 0.25, 256)).toBe(4);
  });

  it('is 1 for a flat innovation and clamps at 16', () => {
    expect(aquilaBits(1, 2, 4)).toBe(1); // (1, 1, 1, 1): ratio 1, log₂ 2 = 1
    expect(aquilaBits(1, 1, 2 ** 40)).toBe(16); // ratio 2²⁰ would ask for 20 bits
    expect(aquilaBits(0, 0, 10)).toBe(1);
  });
});

describe('quantiseInnovation', () => {
  it('puts each value on the nearest of 2^b grid points around the last upload (hand-checked)', () => {
    // b = 2, q = 0, g = (0.5, −0.25, 1): R = 1, points −1, −1/3, 1/3, 1.
    const upload = quantiseInnovation(backend, Float32Array.of(0.5, -0.25, 1), new Float32Array(3), 2);
    expect(upload.radius).toBe(1);
    expect(Array.from(upload.codes)).toEqual([2, 1, 3]);
    expect(upload.quantised[0]).toBeCloseTo(1 / 3, 6);
    expect(upload.quantised[1]).toBeCloseTo(-1 / 3, 6);
    expect(upload.quantised[2]).toBe(1);
  });

  it('keeps every value within τR of the update, τ = 1/(2^b − 1)', () => {
    const vector = (n: number) =>
      fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: n, maxLength: n });
    const cases = fc
      .integer({ min: 1, max: 40 })
      .chain((n) =>
        fc.tuple(vector(n), vector(n), fc.oneof(fc.constant('aquila' as const), fc.integer({ min: 1, max: 16 }))),
      );
    fc.assert(
      fc.property(cases, ([g, q, rule]) => {
        const update = Float32Array.from(g);
        const last = Float32Array.from(q);
        const upload = quantiseInnovation(backend, update, last, rule);
        const tauR = upload.radius / (2 ** upload.bits - 1);
        for (let i = 0; i < update.length; i++) {
          const slack = 2 ** -20 * (Math.abs(update[i]!) + Math.abs(last[i]!) + upload.radius);
          expect(Math.abs(upload.quantised[i]! - update[i]!)).toBeLessThanOrEqual(tauR + slack);
        }
      }),
    );
  });

  it('sends nothing new when the update equals the last upload', () => {
    const last = Float32Array.of(0.25, -2);
    const upload = quantiseInnovation(backend, last.slice(), last, 'aquila');
    expect(upload.radius).toBe(0);
    expect(Array.from(upload.quantised)).toEqual([0.25, -2]);
  });
});
