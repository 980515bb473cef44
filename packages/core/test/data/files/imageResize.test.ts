import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resizeBilinear, type GreyImage } from '../../../src/data/files/imageResize.js';
import { runTorchScript, torchUnavailable } from '../../torch/torchReference.js';

const REFERENCE = fileURLToPath(new URL('./imageResizeReference.py', import.meta.url));

function grey(rows: number, cols: number, values: readonly number[]): GreyImage {
  return { rows, cols, values: Float32Array.from(values) };
}

describe('resizeBilinear', () => {
  it('keeps corners, averages two pixels on edges and four in the centre when 2×2 becomes 3×3', () => {
    // Output pixel i samples at (i + 0.5)·2/3 − 0.5 = −1/6, 1/2, 7/6, clamped to 0, 1/2, 1.
    const resized = resizeBilinear(grey(2, 2, [0, 100, 200, 60]), 3, 3);
    expect([...resized.values]).toEqual([0, 50, 100, 100, 90, 80, 200, 130, 60]);
  });

  it('averages 2×2 blocks when halving', () => {
    // Output pixel i samples at (i + 0.5)·2 − 0.5 = 0.5, 2.5: midway between two input pixels.
    const input = [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60];
    const resized = resizeBilinear(grey(4, 4, input), 2, 2);
    expect([...resized.values]).toEqual([(0 + 4 + 16 + 20) / 4, (8 + 12 + 24 + 28) / 4, (32 + 36 + 48 + 52) / 4, (40 + 44 + 56 + 60) / 4]);
  });

  it('holds the edge pixels beyond the first and last centres when enlarging', () => {
    // 1×2 to 1×4: samples at −0.25, 0.25, 0.75, 1.25, clamped to 0 and 1 at the ends.
    expect([...resizeBilinear(grey(1, 2, [0, 200]), 1, 4).values]).toEqual([0, 50, 150, 200]);
  });

  it('returns the image itself at its own size', () => {
    const image = grey(2, 3, [1, 2, 3, 4, 5, 6]);
    expect(resizeBilinear(image, 2, 3)).toBe(image);
  });

  const unavailable = torchUnavailable();
  const title = "matches PyTorch's interpolate(bilinear, align_corners=False) on random images";
  it.skipIf(unavailable !== undefined)(unavailable === undefined ? title : `${title} (skipped: ${unavailable})`, () => {
    const sizes = [
      [7, 5, 3, 4],
      [5, 6, 11, 9],
      [28, 28, 13, 17],
      [1, 4, 5, 2],
      [30, 20, 28, 28],
    ] as const;
    // Park–Miller's generator: reproducible values in [0, 255).
    let seed = 12345;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 255;
    const cases = sizes.map(([rows, cols, outRows, outCols]) => ({
      rows,
      cols,
      values: Array.from({ length: rows * cols }, random),
      outRows,
      outCols,
    }));
    const casesFile = join(mkdtempSync(join(tmpdir(), 'fedtune-resize-')), 'cases.json');
    writeFileSync(casesFile, JSON.stringify(cases));
    const expected = runTorchScript(REFERENCE, [casesFile]) as number[][];
    cases.forEach((c, i) => {
      const resized = resizeBilinear(grey(c.rows, c.cols, c.values), c.outRows, c.outCols);
      const worst = Math.max(...[...resized.values].map((value, p) => Math.abs(value - expected[i]![p]!)));
      // Both compute in float32; the order of operations differs, so values agree to float32 rounding.
      expect(worst, `${c.rows}×${c.cols} → ${c.outRows}×${c.outCols}`).toBeLessThan(1e-3);
    });
  });
});
