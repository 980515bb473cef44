import { checkTopKMaskArguments } from '../kernelArgumentChecks.js';

/**
 * 1 for the k entries of largest |x_i|, else 0; see `Backend.topKMask`. Exactly k ones. Ties are
 * broken towards the lower index: among entries whose magnitude equals the k-th largest, the
 * first ones in index order are kept. (−0 and +0 have equal magnitude.)
 *
 * Runs in O(n) with no sort: for finite floats the IEEE-754 bit pattern of |x_i| read as an
 * unsigned integer orders exactly as |x_i| does, so the k-th largest magnitude is found by a
 * two-pass radix select on those integer keys (high 16 bits, then low 16 bits).
 */
export function topKMask(x: Float32Array, k: number): Uint8Array {
  checkTopKMaskArguments(x, k);
  const mask = new Uint8Array(x.length);
  if (k === 0) return mask;
  const bitPatterns = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const { key: kthKey, tiesToKeep } = kthLargestMagnitudeKey(bitPatterns, k);
  let tiesLeft = tiesToKeep;
  for (let i = 0; i < bitPatterns.length; i++) {
    const key = magnitudeKey(bitPatterns[i]!);
    if (key > kthKey) {
      mask[i] = 1;
    } else if (key === kthKey && tiesLeft > 0) {
      mask[i] = 1;
      tiesLeft--;
    }
  }
  return mask;
}

/** The float32 bit pattern of |x| (sign bit cleared), which orders as |x| does. */
function magnitudeKey(bitPattern: number): number {
  return bitPattern & 0x7fffffff;
}

/**
 * The key of the k-th largest magnitude (1 ≤ k ≤ n) and how many entries holding exactly that key
 * belong to the top k.
 */
function kthLargestMagnitudeKey(bitPatterns: Uint32Array, k: number): { key: number; tiesToKeep: number } {
  const highCounts = new Uint32Array(1 << 15);
  for (let i = 0; i < bitPatterns.length; i++) highCounts[magnitudeKey(bitPatterns[i]!) >>> 16]! += 1;
  const high = binHoldingRank(highCounts, k);

  const lowCounts = new Uint32Array(1 << 16);
  for (let i = 0; i < bitPatterns.length; i++) {
    const key = magnitudeKey(bitPatterns[i]!);
    if (key >>> 16 === high.bin) lowCounts[key & 0xffff]! += 1;
  }
  const low = binHoldingRank(lowCounts, k - high.countAbove);

  return { key: (high.bin << 16) | low.bin, tiesToKeep: k - high.countAbove - low.countAbove };
}

/**
 * Walking the histogram from its highest bin down, the bin in which the running count reaches
 * `rank` (1-based), and how many entries lie in the bins above it.
 */
function binHoldingRank(counts: Uint32Array, rank: number): { bin: number; countAbove: number } {
  let countAbove = 0;
  for (let bin = counts.length - 1; bin > 0; bin--) {
    const count = counts[bin]!;
    if (countAbove + count >= rank) return { bin, countAbove };
    countAbove += count;
  }
  return { bin: 0, countAbove };
}
