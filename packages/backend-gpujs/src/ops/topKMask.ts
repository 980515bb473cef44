import { checkTopKMaskArguments } from '@fedtune/core';
import { ABSOLUTE, COUNT_AT_LEAST, TOP_K_CLASS } from '../kernels/maskKernels.js';
import { UNDECIDED } from '../kernels/threadContext.js';
import type { GpuContext } from '../runtime/gpuContext.js';
import { releaseResult } from '../runtime/kernelRunner.js';
import { splitRange, type Range } from '../runtime/layout.js';
import { asRows, asVector } from '../runtime/outputs.js';
import { hostReference } from './hostReference.js';

/** Elements one counting thread scans. */
const COUNT_BLOCK = 256;
/** Thresholds tested per pass over the data: each pass narrows the search 8-fold. */
const THRESHOLDS_PER_PASS = 7;
/** Bit pattern of 2^-126, the smallest normal float32: magnitudes from here up compare exactly on a GPU. */
const SMALLEST_NORMAL_KEY = 0x00800000;
/** Bit pattern of +Infinity, one past the largest finite magnitude. */
const INFINITY_KEY = 0x7f800000;

/**
 * 1 for the k entries of largest |x_i| (ties to the lower index), identical to the reference.
 *
 * The GPU finds the k-th largest magnitude: |x| is kept on the GPU as a texture, and each pass
 * counts, per block, the magnitudes at or above seven thresholds; the host sums the counts and
 * narrows an interval of float32 bit patterns (which order as the magnitudes do) until it holds
 * one value. A last GPU pass classes every element as above, below or tied with it. On the host:
 * the interval bookkeeping, breaking ties in index order (a walk over the output), and — only
 * when the k-th largest magnitude is below 2^-126, where GPUs may read values as zero — selecting
 * among the zero and subnormal magnitudes with the reference.
 */
export function topKMask(context: GpuContext, x: Float32Array, k: number): Uint8Array {
  checkTopKMaskArguments(x, k);
  const mask = new Uint8Array(x.length);
  if (k === 0) return mask;
  const calls = splitRange(x.length, Math.min(context.threadsPerCall, context.tileSide * COUNT_BLOCK));
  const magnitudes = calls.map(({ start, end }) =>
    context.runner.run(ABSOLUTE, [end - start], [x.subarray(start, end)])
  );
  try {
    const countAtLeast = (keys: readonly number[]): number[] => countMagnitudes(context, magnitudes, calls, keys);
    const normalCount = countAtLeast([SMALLEST_NORMAL_KEY])[0]!;
    if (normalCount < k) {
      classify(context, magnitudes, calls, 0, 1, mask);
      keepTinyOnHost(x, mask, k - normalCount);
    } else {
      const { kthKey, countAbove } = kthLargestKey(countAtLeast, k);
      classify(context, magnitudes, calls, floatOfKey(kthKey), 0, mask);
      keepTiesInIndexOrder(mask, k - countAbove);
    }
  } finally {
    magnitudes.forEach(releaseResult);
  }
  return mask;
}

/**
 * The bit pattern of the k-th largest magnitude and how many magnitudes exceed it, by narrowing
 * [low, high) with low's count ≥ k and high's < k.
 */
function kthLargestKey(
  countAtLeast: (keys: readonly number[]) => number[],
  k: number
): { kthKey: number; countAbove: number } {
  let low = SMALLEST_NORMAL_KEY;
  let high = INFINITY_KEY;
  let highCount = 0;
  while (high - low > 1) {
    const keys = probeKeys(low, high);
    const counts = countAtLeast(keys);
    keys.forEach((key, index) => {
      const count = counts[index]!;
      if (count >= k && key > low) low = key;
      if (count < k && key < high) {
        high = key;
        highCount = count;
      }
    });
  }
  return { kthKey: low, countAbove: highCount };
}

/** Up to THRESHOLDS_PER_PASS distinct keys strictly inside (low, high), evenly spread. */
function probeKeys(low: number, high: number): number[] {
  const keys = new Set<number>();
  for (let s = 1; s <= THRESHOLDS_PER_PASS; s++) {
    const key = low + Math.round(((high - low) * s) / (THRESHOLDS_PER_PASS + 1));
    if (key > low && key < high) keys.add(key);
  }
  return [...keys];
}

/** For each key, how many magnitudes are ≥ its float, summed over every call's per-block counts. */
function countMagnitudes(
  context: GpuContext,
  magnitudes: readonly unknown[],
  calls: readonly Range[],
  keys: readonly number[]
): number[] {
  const thresholds = Float32Array.from(keys, floatOfKey);
  const totals = keys.map(() => 0);
  calls.forEach(({ start, end }, call) => {
    const length = end - start;
    const rows = asRows(
      context.runner.run(
        COUNT_AT_LEAST,
        [Math.ceil(length / COUNT_BLOCK), keys.length],
        [magnitudes[call], thresholds, length, COUNT_BLOCK]
      )
    );
    rows.forEach((row, index) => {
      for (const count of row) totals[index]! += count;
    });
  });
  return totals;
}

/** Writes each element's class into `mask`: 1, 0, or UNDECIDED_MARK for the host to settle. */
function classify(
  context: GpuContext,
  magnitudes: readonly unknown[],
  calls: readonly Range[],
  kth: number,
  kthIsTiny: number,
  mask: Uint8Array
): void {
  calls.forEach(({ start, end }, call) => {
    const classes = asVector(context.runner.run(TOP_K_CLASS, [end - start], [magnitudes[call], kth, kthIsTiny]));
    for (let t = 0; t < classes.length; t++) mask[start + t] = classes[t] === UNDECIDED ? UNDECIDED_MARK : classes[t]!;
  });
}

/** How `classify` marks an undecided element inside a Uint8Array (never a final mask value). */
const UNDECIDED_MARK = 2;

/** Keeps the first `tiesToKeep` tied elements in index order; drops the rest. */
function keepTiesInIndexOrder(mask: Uint8Array, tiesToKeep: number): void {
  let tiesLeft = tiesToKeep;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] !== UNDECIDED_MARK) continue;
    mask[i] = tiesLeft > 0 ? 1 : 0;
    if (tiesLeft > 0) tiesLeft--;
  }
}

/**
 * Among zero and subnormal magnitudes, keeps the `remaining` largest (ties to the lower index), as
 * the reference selects.
 */
function keepTinyOnHost(x: Float32Array, mask: Uint8Array, remaining: number): void {
  const positions: number[] = [];
  mask.forEach((value, i) => {
    if (value === UNDECIDED_MARK) positions.push(i);
  });
  const kept = hostReference.topKMask(
    Float32Array.from(positions, (i) => x[i]!),
    remaining
  );
  positions.forEach((i, index) => {
    mask[i] = kept[index]!;
  });
}

function floatOfKey(key: number): number {
  return new Float32Array(Uint32Array.of(key).buffer)[0]!;
}
