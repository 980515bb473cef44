import type { FeatureSet } from '../data/types.js';

/**
 * The feature set with its features and labels in `SharedArrayBuffer`s, so worker threads read the
 * one copy instead of each receiving its own. Returns `set` itself when both already are shared;
 * otherwise copies once (client slots keep indexing the same rows).
 */
export function shareFeatureSet(set: FeatureSet): FeatureSet {
  if (isShared(set.features) && isShared(set.labels)) return set;
  const features = new Float32Array(new SharedArrayBuffer(set.features.byteLength));
  features.set(set.features);
  const labels = new Int32Array(new SharedArrayBuffer(set.labels.byteLength));
  labels.set(set.labels);
  return { count: set.count, featureSize: set.featureSize, numClasses: set.numClasses, features, labels };
}

/** Whether the array is a view into shared memory (posting it to a worker shares, never copies). */
export function isShared(array: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && array.buffer instanceof SharedArrayBuffer;
}
