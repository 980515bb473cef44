import type { FeatureSet } from '../../data/types.js';
import { DataError } from '../../errors.js';

/**
 * Reusable host buffers for one batch: rows gathered from a shared feature set by index, their
 * labels and one-hot targets. Filling copies rows into the same arrays every time, so batching
 * allocates nothing per step.
 */
export class BatchBuffer {
  private readonly featureRows: Float32Array;
  private readonly targetRows: Float32Array;
  private readonly labelRows: Int32Array;

  constructor(readonly capacity: number, readonly featureSize: number, readonly numClasses: number) {
    this.featureRows = new Float32Array(capacity * featureSize);
    this.targetRows = new Float32Array(capacity * numClasses);
    this.labelRows = new Int32Array(capacity);
  }

  /**
   * Copies examples `order[from] … order[from + count − 1]` of `source` into the buffer. An index
   * outside the set or a label outside `[0, numClasses)` is a {@link DataError}.
   */
  fill(source: FeatureSet, order: ArrayLike<number>, from: number, count: number): void {
    const size = this.featureSize;
    this.targetRows.fill(0, 0, count * this.numClasses);
    for (let row = 0; row < count; row++) {
      const index = order[from + row] as number;
      if (!(index >= 0 && index < source.count)) {
        throw new DataError(
          `Example index ${index} is outside the feature set of ${source.count}; rebuild the client's indices from this set.`
        );
      }
      const label = source.labels[index] as number;
      if (!(label >= 0 && label < this.numClasses)) {
        throw new DataError(
          `Example ${index} has label ${label} but the model predicts ${this.numClasses} classes; set numClasses to cover every label.`
        );
      }
      this.featureRows.set(source.features.subarray(index * size, (index + 1) * size), row * size);
      this.labelRows[row] = label;
      this.targetRows[row * this.numClasses + label] = 1;
    }
  }

  /** Features of the first `count` rows, `count × featureSize` (a view into the buffer). */
  features(count: number): Float32Array {
    return this.featureRows.subarray(0, count * this.featureSize);
  }

  /** One-hot targets of the first `count` rows, `count × numClasses` (a view). */
  targets(count: number): Float32Array {
    return this.targetRows.subarray(0, count * this.numClasses);
  }

  /** Labels of the first `count` rows (a view). */
  labels(count: number): Int32Array {
    return this.labelRows.subarray(0, count);
  }
}
