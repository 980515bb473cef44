import { sharedMemory } from '../data/sharedMemory.js';
import type { FeatureSet } from '../data/types.js';

/**
 * The feature set with its features and labels in `SharedArrayBuffer`s, so worker threads read the
 * one copy instead of each receiving its own. Returns `set` itself when both already are shared, or
 * when the platform has no shared memory (a browser page that is not cross-origin isolated);
 * otherwise copies once (client slots keep indexing the same rows).
 */
export function shareFeatureSet(set: FeatureSet): FeatureSet {
  if (typeof SharedArrayBuffer === 'undefined' || (isShared(set.features) && isShared(set.labels))) return set;
  const features = new Float32Array(sharedMemory(set.features.byteLength));
  features.set(set.features);
  const labels = new Int32Array(sharedMemory(set.labels.byteLength));
  labels.set(set.labels);
  return { count: set.count, featureSize: set.featureSize, numClasses: set.numClasses, features, labels };
}

/** Whether the array is a view into shared memory (posting it to a worker shares, never copies). */
export function isShared(array: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && array.buffer instanceof SharedArrayBuffer;
}
