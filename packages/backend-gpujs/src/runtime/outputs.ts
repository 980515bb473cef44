import type { GpuContext } from './gpuContext.js';
import { splitRange, type Range } from './layout.js';

/**
 * Runs a 1-D kernel over 0..length in calls of at most `maxPerCall` threads (aligned to `align`)
 * and gathers the per-call outputs into one Float32Array. `runCall` returns the output of one range.
 */
export function gatherCalls(
  length: number,
  maxPerCall: number,
  runCall: (range: Range) => unknown,
  align = 1
): Float32Array {
  const out = new Float32Array(length);
  for (const range of splitRange(length, maxPerCall, align)) out.set(asVector(runCall(range)), range.start);
  return out;
}

/**
 * Runs a 2-D kernel over a rows×cols output in tiles of at most `context.tileSide` per side and
 * gathers them into one row-major Float32Array. `runTile` receives the tile's row and column range.
 */
export function gatherTiles(
  context: GpuContext,
  rows: number,
  cols: number,
  runTile: (rowRange: Range, colRange: Range) => unknown
): Float32Array {
  const out = new Float32Array(rows * cols);
  for (const rowRange of splitRange(rows, context.tileSide)) {
    for (const colRange of splitRange(cols, context.tileSide)) {
      const tile = asRows(runTile(rowRange, colRange));
      tile.forEach((row, r) => out.set(row, (rowRange.start + r) * cols + colRange.start));
    }
  }
  return out;
}

/** A 1-D kernel result as a Float32Array. */
export function asVector(result: unknown): Float32Array {
  if (result instanceof Float32Array) return result;
  throw new TypeError(`a gpu.js kernel returned ${describe(result)} where a Float32Array was expected`);
}

/** A 2-D kernel result as its rows (gpu.js returns one Float32Array per row). */
export function asRows(result: unknown): Float32Array[] {
  if (result instanceof Float32Array) return [result];
  if (Array.isArray(result) && result.every((row) => row instanceof Float32Array)) return result as Float32Array[];
  throw new TypeError(`a gpu.js kernel returned ${describe(result)} where rows of Float32Array were expected`);
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? value.constructor?.name ?? 'an object' : typeof value;
}
