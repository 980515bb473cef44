import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { LabelledImages } from '../../src/data/types.js';

/** A fresh temporary folder per call, removed after the test that made it. */
export function useTempDirs(): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedtune-data-'));
    made.push(dir);
    return dir;
  };
}

/** A small labelled image set whose pixel p of image i is (i·7 + p) mod 256, so rows are tellable apart. */
export function syntheticImages(labels: readonly number[], size = 28, numClasses = 10): LabelledImages {
  const pixels = Uint8Array.from({ length: labels.length * size * size }, (_, k) => {
    const image = Math.floor(k / (size * size));
    return (image * 7 + (k % (size * size))) % 256;
  });
  return { count: labels.length, rows: size, cols: size, pixels, labels: Uint8Array.from(labels), numClasses };
}

/** Labels 0..numClasses−1 repeated `perClass` times each, interleaved (0,1,…,k−1,0,1,…). */
export function interleavedLabels(numClasses: number, perClass: number): number[] {
  return Array.from({ length: numClasses * perClass }, (_, i) => i % numClasses);
}
