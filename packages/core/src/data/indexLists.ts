import { DataError } from '../errors.js';
import type { RandomStream } from '../random/counterRandom.js';

/** Class labels of a whole set: the `labels` of `LabelledImages` or of a `FeatureSet`. */
export type Labels = ArrayLike<number>;

/**
 * Checks that every entry of `indices` is an integer index into `labels` and, unless
 * `distinct` is false, that none repeats, so index lists from elsewhere can be partitioned without
 * silently double-counting.
 *
 * @throws DataError naming the first offending index.
 */
export function assertIndicesInto(
  labels: Labels,
  indices: ArrayLike<number>,
  { distinct = true }: { distinct?: boolean } = {},
): void {
  const seen = new Uint8Array(distinct ? labels.length : 0);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    if (!Number.isInteger(index) || index < 0 || index >= labels.length) {
      throw new DataError(
        `index ${index} (position ${i}) is outside the ${labels.length} labels; ` +
          'pass indices into the same set the labels come from.',
      );
    }
    if (!distinct) continue;
    if (seen[index] === 1) {
      throw new DataError(`index ${index} appears twice in the index list; pass each index once.`);
    }
    seen[index] = 1;
  }
}

/** One more than the largest label (0 for no labels). */
export function countClasses(labels: Labels): number {
  let max = -1;
  for (let i = 0; i < labels.length; i++) max = Math.max(max, labels[i]!);
  return max + 1;
}

/**
 * The entries of `indices` grouped by their label, each group in input order:
 * `result[c]` holds the indices whose label is `c`. Classes up to the largest label seen get a
 * (possibly empty) group.
 */
export function groupByClass(labels: Labels, indices: ArrayLike<number>): number[][] {
  const groups: number[][] = [];
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    const label = labels[index]!;
    while (groups.length <= label) groups.push([]);
    groups[label]!.push(index);
  }
  return groups;
}

/**
 * Cuts `items` into `parts` contiguous runs whose lengths differ by at most one; the first
 * `items.length mod parts` runs get the extra item.
 */
export function splitEvenly<T>(items: readonly T[], parts: number): T[][] {
  const base = Math.floor(items.length / parts);
  const extra = items.length % parts;
  const runs: T[][] = [];
  let start = 0;
  for (let p = 0; p < parts; p++) {
    const end = start + base + (p < extra ? 1 : 0);
    runs.push(items.slice(start, end));
    start = end;
  }
  return runs;
}

/** `k` distinct items drawn uniformly from `items` (a partial Fisher–Yates shuffle, k draws). */
export function sampleWithoutReplacement<T>(items: readonly T[], k: number, random: RandomStream): T[] {
  const pool = items.slice();
  for (let i = 0; i < k; i++) {
    const j = i + random.int(pool.length - i);
    const picked = pool[j] as T;
    pool[j] = pool[i] as T;
    pool[i] = picked;
  }
  return pool.slice(0, k);
}

/** The numbers as a `Uint32Array` in ascending order. */
export function sortedIndexArray(indices: readonly number[]): Uint32Array {
  return Uint32Array.from(indices).sort();
}

/** The indices 0, 1, …, n − 1. */
export function allIndices(n: number): Uint32Array {
  return Uint32Array.from({ length: n }, (_, i) => i);
}
