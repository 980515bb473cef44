import { describe, expect, it } from 'vitest';
import { averageOverCoverage } from '../../src/builtins/index.js';
import { ReferenceBackend } from '../../src/backend/index.js';
import { ShapeError } from '../../src/errors.js';

const backend = new ReferenceBackend();

describe('averageOverCoverage', () => {
  it('averages each coordinate over the updates that cover it (hand-checked)', () => {
    // Client 0 covers everything with weight 0.5; client 1 covers coordinates 0 and 2 with 0.25;
    // client 2 covers coordinate 0 with 0.25. Coordinate 3 is covered by client 0 alone.
    const updates = [Float32Array.of(4, 4, 4, 4), Float32Array.of(8, 0, 8, 0), Float32Array.of(16, 0, 0, 0)];
    const step = averageOverCoverage(backend, updates, [0.5, 0.25, 0.25], [undefined, Uint32Array.of(0, 2), Uint32Array.of(0)]);
    // j=0: (2 + 2 + 4) / 1 = 8; j=1: 2 / 0.5 = 4; j=2: (2 + 2) / 0.75 = 16/3; j=3: 4.
    expect(Array.from(step)).toEqual([8, 4, Math.fround(16 / 3), 4]);
  });

  it('leaves coordinates nobody covers at zero', () => {
    const step = averageOverCoverage(backend, [Float32Array.of(1, 0)], [1], [Uint32Array.of(0)]);
    expect(Array.from(step)).toEqual([1, 0]);
  });

  it('is the plain weighted sum when no update has a coverage list', () => {
    const updates = [Float32Array.of(1, 2), Float32Array.of(3, 5)];
    expect(averageOverCoverage(backend, updates, [0.25, 0.75], [undefined, undefined])).toEqual(
      backend.weightedSum(updates, [0.25, 0.75])
    );
  });

  it('needs one coverage entry per update', () => {
    expect(() => averageOverCoverage(backend, [Float32Array.of(1)], [1], [])).toThrow(ShapeError);
  });
});
