import { PAD_TOKEN } from '../../data/text/byteTokenizer.js';
import type { FeatureSet } from '../../data/types.js';
import { DataError } from '../../errors.js';

/** One batch of next-byte windows with a target at every position. */
export interface NextByteBatch {
  /** Token ids `[count, length]` as floats, as the model takes them. */
  ids: Float32Array;
  /** Target byte of each position `[count·length]` (0 where masked). */
  targets: Int32Array;
  /** 1 where a position has a target, 0 on padding. */
  mask: Float32Array;
  /** Positions with a target. */
  targetCount: number;
}

/**
 * Windows `order[from] … order[from + count − 1]` of `data` (made by `nextByteFeatureSet`) with the
 * target of every position: the next token of the window, and the label after its last non-pad
 * token. Padding positions are masked.
 *
 * @throws DataError when an index is outside `data`.
 */
export function nextByteBatch(data: FeatureSet, order: ArrayLike<number>, from: number, count: number): NextByteBatch {
  const length = data.featureSize;
  const ids = new Float32Array(count * length);
  const targets = new Int32Array(count * length);
  const mask = new Float32Array(count * length);
  let targetCount = 0;
  for (let row = 0; row < count; row++) {
    const index = order[from + row] as number;
    if (!(index >= 0 && index < data.count)) {
      throw new DataError(`Window ${index} is outside the set of ${data.count}; build the order from this set.`);
    }
    const window = data.features.subarray(index * length, (index + 1) * length);
    ids.set(window, row * length);
    let used = window.indexOf(PAD_TOKEN);
    if (used < 0) used = length;
    for (let t = 0; t < used; t++) {
      targets[row * length + t] = t + 1 < used ? (window[t + 1] as number) : (data.labels[index] as number);
      mask[row * length + t] = 1;
    }
    targetCount += used;
  }
  return { ids, targets, mask, targetCount };
}
