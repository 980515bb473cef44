import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { principalPlane } from '../src/principalPlane.js';
import { backend } from './helpers.js';

const random = { seed: 1, round: 0, client: 0, stream: 1001 };

describe('principalPlane', () => {
  it('matches a hand-checked example: the long axis first, variance shares 8/10 and 2/10', () => {
    // Centred already; Σy² = 8 along y, Σx² = 2 along x. PC1 scores are the y values, PC2 the x
    // values, each signed so its first largest entry is positive.
    const rows = Float32Array.of(-1, 0, 1, 0, 0, 2, 0, -2);
    const plane = principalPlane(rows, 4, 2, backend, random);
    const expected = [
      [0, 1],
      [0, -1],
      [2, 0],
      [-2, 0],
    ];
    plane.coordinates.forEach(([x, y], i) => {
      expect(x).toBeCloseTo(expected[i]?.[0] as number, 5);
      expect(y).toBeCloseTo(expected[i]?.[1] as number, 5);
    });
    expect(plane.explainedVariance[0]).toBeCloseTo(0.8, 6);
    expect(plane.explainedVariance[1]).toBeCloseTo(0.2, 6);
  });

  it('puts a single point, or identical points, at the origin', () => {
    expect(principalPlane(Float32Array.of(3, 4, 5), 1, 3, backend, random)).toEqual({ coordinates: [[0, 0]], explainedVariance: [0, 0] });
    const same = principalPlane(Float32Array.of(1, 2, 1, 2), 2, 2, backend, random);
    expect(same.coordinates).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  // Coordinates are 0 or at least 1e-3 in size: the projection works in float32, where the variance
  // of points 1e-22 apart (squares of 1e-44) underflows, so their plane is not the property's subject.
  const coordinate = fc.double({ min: -5, max: 5, noNaN: true }).map((x) => (Math.abs(x) < 1e-3 ? 0 : x));

  test.prop([
    fc.array(fc.tuple(coordinate, coordinate), { minLength: 3, maxLength: 10 }),
    fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 12, maxLength: 12 }),
  ])('keeps every pairwise distance of points that lie in a plane of 6-D space', (planar, axes) => {
    // Two fixed directions of R⁶ (not parallel: the second has a component the first lacks).
    const u = [1, ...axes.slice(0, 5)];
    const v = [0, 1, ...axes.slice(6, 10)];
    const points = planar.map(([a, b]) => u.map((ui, d) => a * ui + b * (v[d] as number)));
    const plane = principalPlane(Float32Array.from(points.flat()), points.length, 6, backend, random);
    for (let i = 0; i < points.length; i++) {
      for (let j = 0; j < i; j++) {
        const original = Math.hypot(...(points[i] as number[]).map((x, d) => x - ((points[j] as number[])[d] as number)));
        const [xi, yi] = plane.coordinates[i] as [number, number];
        const [xj, yj] = plane.coordinates[j] as [number, number];
        expect(Math.hypot(xi - xj, yi - yj)).toBeCloseTo(original, 1);
      }
    }
    // All the variance lies in the plane (none at all when every point coincides).
    const explained = plane.explainedVariance[0] + plane.explainedVariance[1];
    expect(explained === 0 || explained > 0.999).toBe(true);
  });
});
