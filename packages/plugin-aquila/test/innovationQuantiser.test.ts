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
    expect(quantiseInnovation(backend, g, q, 'bStar').bits).toBe(3);
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
        fc.tuple(vector(n), vector(n), fc.oneof(fc.constantFrom('bStar' as const, 'bStarPlusOne' as const), fc.integer({ min: 1, max: 16 }))),
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
    const upload = quantiseInnovation(backend, last.slice(), last, 'bStar');
    expect(upload.radius).toBe(0);
    expect(Array.from(upload.quantised)).toEqual([0.25, -2]);
  });
});

/** ‖Q(g) − g‖₂ / ‖g − q‖₂ of one quantisation. */
function errorRatio(update: Float32Array, last: Float32Array, quantised: Float32Array): number {
  return backend.norm2(backend.axpy(-1, update, quantised)) / backend.norm2(backend.axpy(-1, last, update));
}

describe('bit-width rules beside b*', () => {
  // q = 0, x = g = (4, 1, 1, 1): R = 4, ‖x‖ = √19 = 4.359, R·√d/‖x‖ = 8/√19 = 1.835 → b* = 1.
  const g = Float32Array.of(4, 1, 1, 1);
  const q = new Float32Array(4);

  it('b*: the grid {−4, 4} sends every 1 as 4, an error larger than the update (hand-checked)', () => {
    const upload = quantiseInnovation(backend, g, q, 'bStar');
    expect(upload.bits).toBe(1);
    expect(Array.from(upload.quantised)).toEqual([4, 4, 4, 4]);
    // ε = (0, 3, 3, 3): ‖ε‖ = √27 = 5.196, 1.192 × ‖x‖. The worst case τR√d = 4·2 = 8 ≥ ‖x‖.
    expect(errorRatio(g, q, upload.quantised)).toBeCloseTo(Math.sqrt(27 / 19), 6);
  });

  it('b* + 1: the grid {−4, −4/3, 4/3, 4}, error bound τR√d = 8/3 below ‖x‖ (hand-checked)', () => {
    const upload = quantiseInnovation(backend, g, q, 'bStarPlusOne');
    expect(upload.bits).toBe(2);
    expect(upload.quantised[1]).toBeCloseTo(4 / 3, 6);
    // ε = (0, 1/3, 1/3, 1/3): ‖ε‖ = 1/√3 = 0.577, 0.132 × ‖x‖.
    expect(errorRatio(g, q, upload.quantised)).toBeCloseTo(Math.sqrt(1 / 3 / 19), 6);
  });

  it('relative error: the smallest b whose measured error is within ρ‖x‖ (hand-checked)', () => {
    // ρ = 0.5: b = 1 gives 1.192, b = 2 gives 0.132 → 2 bits, as b* + 1.
    expect(quantiseInnovation(backend, g, q, { maxRelativeError: 0.5 }).bits).toBe(2);
    // ρ = 0.1: b = 2 (0.132) is not enough; b = 3 has points ±4/7, ±12/7, … and sends 1 as 4/7, error
    // (3/7)·√3 = 0.742 (0.170 × ‖x‖); b = 4 has points …, 0.8, 4/3, … and sends 1 as 0.8, error 0.2·√3 =
    // 0.346 (0.0795 × ‖x‖) → 4 bits.
    const upload = quantiseInnovation(backend, g, q, { maxRelativeError: 0.1 });
    expect(upload.bits).toBe(4);
    expect(errorRatio(g, q, upload.quantised)).toBeCloseTo(0.2 * Math.sqrt(3 / 19), 5);
  });

  it('b* + 1 always keeps the error below the innovation, and the relative-error rule within ρ', () => {
    const vector = (n: number) => fc.array(fc.float({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n });
    const cases = fc.integer({ min: 2, max: 40 }).chain((n) => fc.tuple(vector(n), vector(n), fc.double({ min: 0.05, max: 1, noNaN: true })));
    fc.assert(
      fc.property(cases, ([gs, qs, rho]) => {
        const update = Float32Array.from(gs);
        const last = Float32Array.from(qs);
        const innovation = backend.norm2(backend.axpy(-1, last, update));
        // Away from fp32's resolution of the values themselves, where no grid can do better.
        fc.pre(innovation > 1e-3 * (backend.norm2(update) + backend.norm2(last)));
        expect(errorRatio(update, last, quantiseInnovation(backend, update, last, 'bStarPlusOne').quantised)).toBeLessThan(1);
        const bounded = quantiseInnovation(backend, update, last, { maxRelativeError: rho });
        if (bounded.bits < 16) expect(errorRatio(update, last, bounded.quantised)).toBeLessThanOrEqual(rho);
      }),
    );
  });
});
