import { fc, test as property } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  loraRankMetrics,
  loraUpdateSingularValues,
  rankSummary,
  singularValues,
} from '../src/index.js';
import { backend, explicitDelta, singlePairLayout } from './fixtures.js';

/** A with rows e₁, e₂, e₃ of R⁴ and B = diag(3, 1, 0) over the first three of five outputs: ΔW = diag(3, 1, 0) padded. */
const diagonal = {
  a: Float32Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0),
  b: Float32Array.of(3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
  shape: { rank: 3, inFeatures: 4, outFeatures: 5 },
};

describe('rank of a known diagonal ΔW', () => {
  it('has singular values 3, 1, 0 and the hand-computed ranks', () => {
    const sigma = loraUpdateSingularValues(diagonal.a, diagonal.b, diagonal.shape, 1, backend);
    expect(Array.from(sigma).map((s) => Number(s.toFixed(6)))).toEqual([3, 1, 0]);
    const summary = rankSummary(sigma);
    // p = (3/4, 1/4): H = −¾·ln ¾ − ¼·ln ¼ = 0.562335, e^H = 1.754765. Stable rank (9 + 1)/9.
    expect(summary.effectiveRank).toBeCloseTo(1.754765, 6);
    expect(summary.numericalRank).toBe(2);
    expect(summary.stableRank).toBeCloseTo(10 / 9, 10);
    expect(summary.sigmaMax).toBeCloseTo(3, 6);
  });

  it('scales the singular values, not the ranks, with α/r', () => {
    const sigma = loraUpdateSingularValues(diagonal.a, diagonal.b, diagonal.shape, 2.5, backend);
    expect(sigma[0]).toBeCloseTo(7.5, 5);
    expect(rankSummary(sigma).effectiveRank).toBeCloseTo(1.754765, 6);
  });

  it('counts r equal singular values as effective rank r, and ΔW = 0 as rank 0', () => {
    expect(rankSummary([2, 2, 2, 2])).toEqual({ numericalRank: 4, effectiveRank: 4, stableRank: 4, sigmaMax: 2 });
    expect(rankSummary([0, 0])).toEqual({ numericalRank: 0, effectiveRank: 0, stableRank: 0, sigmaMax: 0 });
    // 1e-3·σ_max is excluded, anything above it counts.
    expect(rankSummary([1, 1e-3, 1.01e-3]).numericalRank).toBe(2);
  });

  it('logs averaged and per-module metrics under stable names', () => {
    const layout = [
      ...singlePairLayout(3, 4, 5),
      { name: 'head.weight', shape: [2, 5] },
      { name: 'head.bias', shape: [2] },
    ];
    const params = new Float32Array(12 + 15 + 12);
    params.set(diagonal.a, 0);
    params.set(diagonal.b, 12);
    params.fill(7, 27);
    const metrics = loraRankMetrics(layout, params, 1, backend);
    expect(Object.keys(metrics).sort()).toEqual(
      [
        'effectiveRank',
        'numericalRank',
        'stableRank',
        'fc.effectiveRank',
        'fc.numericalRank',
        'fc.stableRank',
        'fc.sigmaMax',
        'fc.sigma1',
        'fc.sigma2',
        'fc.sigma3',
      ].sort()
    );
    expect(metrics['effectiveRank']).toBeCloseTo(1.754765, 6);
    expect(metrics['fc.sigma2']).toBeCloseTo(1, 6);
  });
});

const loraFactors = fc
  .record({
    rank: fc.integer({ min: 1, max: 4 }),
    inFeatures: fc.integer({ min: 1, max: 7 }),
    outFeatures: fc.integer({ min: 1, max: 7 }),
    scale: fc.double({ min: 0.1, max: 4, noNaN: true }),
  })
  .chain((shape) => {
    const entry = fc.float({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true });
    return fc.record({
      shape: fc.constant(shape),
      a: fc.array(entry, { minLength: shape.rank * shape.inFeatures, maxLength: shape.rank * shape.inFeatures }),
      b: fc.array(entry, { minLength: shape.outFeatures * shape.rank, maxLength: shape.outFeatures * shape.rank }),
    });
  });

describe('singular values via thin QR and the r×r core', () => {
  property.prop([loraFactors])('equal those of the explicit ΔW = s·B·A', ({ shape, a, b }) => {
    const { rank, inFeatures, outFeatures, scale } = shape;
    const viaCore = loraUpdateSingularValues(Float32Array.from(a), Float32Array.from(b), shape, scale, backend);
    const explicit = singularValues(explicitDelta(a, b, rank, inFeatures, outFeatures, scale), outFeatures, inFeatures);
    const tolerance = 1e-5 * Math.max(1, explicit[0] as number);
    // ΔW has min(out, in) singular values, of which at most min(out, in, r) are nonzero.
    expect(viaCore.length).toBe(Math.min(outFeatures, inFeatures, rank));
    viaCore.forEach((sigma, i) => expect(Math.abs(sigma - (explicit[i] as number))).toBeLessThan(tolerance));
    for (let i = viaCore.length; i < explicit.length; i++) expect(explicit[i]).toBeLessThan(tolerance);
  });
});
