import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { qsgdBitsPerCode, ReferenceBackend } from '../../src/backend/index.js';
import { counterUniforms, RandomStreams, type RandomKey } from '../../src/random/counterRandom.js';
import { float32Vector } from './arbitraries.js';

const backend = new ReferenceBackend();

function quantizeKey(round: number): RandomKey {
  return { seed: 7, round, client: 3, stream: RandomStreams.stochasticQuantize };
}

describe('stochasticQuantize', () => {
  it('rounds up exactly when the uniform falls below the fractional part (worked by hand)', () => {
    // ‖(3, −4)‖ = 5; with s = 2: p = (1.2, 1.6), fractional parts (0.2, 0.6).
    // u = 0.1 < 0.2 rounds 1 up to 2; u = 0.7 ≥ 0.6 keeps 1, with x's sign: −1.
    const codes = backend.stochasticQuantize(Float32Array.of(3, -4), 2, Float32Array.of(0.1, 0.7));
    expect(codes.norm).toBe(5);
    expect(codes.codes).toEqual(Int32Array.of(2, -1));
    // 5·2/2 = 5 and 5·(−1)/2 = −2.5
    expect(backend.stochasticDequantize(codes, 2)).toEqual(Float32Array.of(5, -2.5));
  });

  it('maps a zero vector to norm 0 and zero codes', () => {
    const codes = backend.stochasticQuantize(new Float32Array(4), 3, Float32Array.of(0, 0.25, 0.5, 0.99));
    expect(codes).toEqual({ norm: 0, codes: new Int32Array(4) });
    expect(backend.stochasticDequantize(codes, 3)).toEqual(new Float32Array(4));
  });

  it('gives the largest entry of a one-hot vector exactly ±levels', () => {
    const codes = backend.stochasticQuantize(Float32Array.of(0, -2.5, 0), 4, Float32Array.of(0.5, 0, 0.5));
    expect(codes.codes).toEqual(Int32Array.of(0, -4, 0));
  });

  test.prop([float32Vector(1, 30), fc.integer({ min: 1, max: 16 }), fc.nat(1000)])(
    'codes are floor(p) or floor(p)+1 with x’s sign, never beyond ±levels',
    (x, levels, round) => {
      const { norm, codes } = backend.stochasticQuantize(x, levels, counterUniforms(quantizeKey(round), x.length));
      codes.forEach((code, i) => {
        const p = norm === 0 ? 0 : (levels * Math.abs(x[i]!)) / norm;
        expect(Math.abs(code) - Math.floor(p)).toBeGreaterThanOrEqual(0);
        expect(Math.abs(code) - Math.floor(p)).toBeLessThanOrEqual(1);
        expect(Math.abs(code)).toBeLessThanOrEqual(levels);
        if (code !== 0) expect(Math.sign(code)).toBe(Math.sign(x[i]!));
      });
    }
  );

  test.prop([float32Vector(1, 8, 100), fc.integer({ min: 1, max: 8 })], { numRuns: 20 })(
    'is unbiased: the mean over independent rounds converges to x',
    (x, levels) => {
      const draws = 20_000;
      const mean = new Float64Array(x.length);
      let norm = 0;
      for (let round = 0; round < draws; round++) {
        const codes = backend.stochasticQuantize(x, levels, counterUniforms(quantizeKey(round), x.length));
        norm = codes.norm;
        backend.stochasticDequantize(codes, levels).forEach((v, i) => (mean[i]! += v / draws));
      }
      // Each dequantised entry lies in an interval of width norm/levels around x_i, so by Hoeffding
      // the mean is within norm/levels·sqrt(ln(2/δ)/(2·draws)) of x_i with probability 1 − δ (δ = 1e-9).
      // The 24-bit uniforms add a bias of at most norm/levels·2^-24; rounding each dequantised value
      // to float32 adds a relative 2^-24, or up to 2^-149 absolute among subnormals.
      const width = norm / levels;
      const bound = width * Math.sqrt(Math.log(2e9) / (2 * draws)) + width * 2 ** -24 + norm * 2 ** -23 + 2 ** -149;
      mean.forEach((m, i) => expect(Math.abs(m - x[i]!)).toBeLessThanOrEqual(bound));
    }
  );

  it('is deterministic for the same uniforms', () => {
    const x = Float32Array.of(0.3, -1.2, 2.2, 0.01);
    const uniforms = counterUniforms(quantizeKey(5), x.length);
    expect(backend.stochasticQuantize(x, 5, uniforms)).toEqual(backend.stochasticQuantize(x, 5, uniforms));
  });
});

describe('qsgdBitsPerCode', () => {
  it('is a sign bit plus the bits of 0..levels (worked by hand)', () => {
    // levels 1 → magnitudes 0..1 need 1 bit; 3 → 2 bits; 4 → 3 bits; 255 → 8; 256 → 9.
    expect([1, 3, 4, 255, 256].map(qsgdBitsPerCode)).toEqual([2, 3, 4, 9, 10]);
  });

  test.prop([fc.integer({ min: 1, max: 2 ** 31 - 1 })])('equals 1 + ceil(log2(levels + 1))', (levels) => {
    const bits = qsgdBitsPerCode(levels);
    // 2^(bits−1) is the first power of two above levels.
    expect(2 ** (bits - 1)).toBeGreaterThan(levels);
    expect(2 ** (bits - 2)).toBeLessThanOrEqual(levels);
  });

  it('rejects a level count below 1', () => {
    expect(() => qsgdBitsPerCode(0)).toThrow('qsgdBitsPerCode: levels is 0, expected an integer in 1..2147483647');
  });
});
