import { ConfigError } from '../errors.js';
import { assertIndicesInto } from './indexLists.js';
import type { FeatureSet, LabelledImages } from './types.js';
import { sharedMemory } from './sharedMemory.js';

/** How {@link toFeatureSet} turns labels into the labels the model sees. */
export interface FeatureOptions {
  /**
   * Original label → model label, e.g. the upstream classes to 0..k−1 (see {@link compactClassMap}).
   * Without it labels are kept as they are.
   */
  classMap?: ReadonlyMap<number, number>;
  /** Leave out images whose label `classMap` does not list, instead of failing. */
  dropUnmapped?: boolean;
  /**
   * Put features and labels in `SharedArrayBuffer`s, so training worker threads read this one copy;
   * converting straight into shared memory saves the second full copy sharing it later would make.
   */
  shared?: boolean;
}

/** Pixel byte → float in [0, 1], precomputed so conversion is one table look-up per pixel. */
const UNIT_PIXEL = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * Model-ready features: each pixel as `byte / 255` (float32), labels as `Int32Array`, optionally
 * remapped by `classMap`. With a class map, `numClasses` is one more than its largest target.
 *
 * @throws ConfigError when a label has no `classMap` entry and `dropUnmapped` is not set, or when
 *   a target is not a non-negative integer.
 */
export function toFeatureSet(images: LabelledImages, options: FeatureOptions = {}): FeatureSet {
  const featureSize = images.rows * images.cols;
  const { classMap } = options;
  const kept = classMap ? keptImages(images.labels, classMap, options.dropUnmapped === true) : undefined;
  const count = kept?.length ?? images.count;
  const memory = (bytes: number) => (options.shared === true ? sharedMemory(bytes) : new ArrayBuffer(bytes));
  const features = new Float32Array(memory(count * featureSize * Float32Array.BYTES_PER_ELEMENT));
  const labels = new Int32Array(memory(count * Int32Array.BYTES_PER_ELEMENT));
  for (let i = 0; i < count; i++) {
    const source = kept ? kept[i]! : i;
    const label = images.labels[source]!;
    labels[i] = classMap ? classMap.get(label)! : label;
    const offset = source * featureSize;
    for (let p = 0; p < featureSize; p++) {
      features[i * featureSize + p] = UNIT_PIXEL[images.pixels[offset + p]!]!;
    }
  }
  const numClasses = classMap ? Math.max(-1, ...classMap.values()) + 1 : images.numClasses;
  return { count, featureSize, numClasses, features, labels };
}

/** Maps `classes[i]` to `i`: the usual class map for a model trained on a subset of classes. */
export function compactClassMap(classes: readonly number[]): Map<number, number> {
  const map = new Map<number, number>();
  classes.forEach((c, i) => {
    if (map.has(c)) throw new ConfigError(`class ${c} is listed twice; list each class once.`);
    map.set(c, i);
  });
  return map;
}

/** The images at `indices`, in that order (repeats allowed), as a new set with the same number of classes. */
export function selectIndices(set: LabelledImages, indices: ArrayLike<number>): LabelledImages;
/** The feature rows at `indices`, in that order (repeats allowed), as a new set with the same number of classes. */
export function selectIndices(set: FeatureSet, indices: ArrayLike<number>): FeatureSet;
export function selectIndices(
  set: LabelledImages | FeatureSet,
  indices: ArrayLike<number>,
): LabelledImages | FeatureSet {
  assertIndicesInto(set.labels, indices, { distinct: false });
  if ('pixels' in set) {
    const rowSize = set.rows * set.cols;
    return {
      ...set,
      count: indices.length,
      pixels: gatherRows(set.pixels, rowSize, indices, new Uint8Array(indices.length * rowSize)),
      labels: gatherRows(set.labels, 1, indices, new Uint8Array(indices.length)),
    };
  }
  return {
    ...set,
    count: indices.length,
    features: gatherRows(set.features, set.featureSize, indices, new Float32Array(indices.length * set.featureSize)),
    labels: gatherRows(set.labels, 1, indices, new Int32Array(indices.length)),
  };
}

/** Positions of the images to keep, after checking every kept label has a valid target. */
function keptImages(labels: Uint8Array, classMap: ReadonlyMap<number, number>, dropUnmapped: boolean): number[] {
  for (const [from, to] of classMap) {
    if (!Number.isInteger(to) || to < 0) {
      throw new ConfigError(`classMap sends class ${from} to ${to}; targets must be non-negative integers.`);
    }
  }
  const kept: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (classMap.has(labels[i]!)) kept.push(i);
    else if (!dropUnmapped) {
      throw new ConfigError(
        `image ${i} has label ${labels[i]}, which classMap does not list; add it to the map ` +
          'or pass dropUnmapped: true to leave such images out.',
      );
    }
  }
  return kept;
}

function gatherRows<T extends Uint8Array | Int32Array | Float32Array>(
  source: T,
  rowSize: number,
  indices: ArrayLike<number>,
  target: T,
): T {
  for (let i = 0; i < indices.length; i++) {
    const start = indices[i]! * rowSize;
    target.set(source.subarray(start, start + rowSize), i * rowSize);
  }
  return target;
}

/** The sets' rows one after another (set k's rows follow set k − 1's); classes are the largest count. */
export function concatFeatureSets(sets: readonly FeatureSet[]): FeatureSet {
  const first = sets[0] as FeatureSet;
  const count = sets.reduce((n, set) => n + set.count, 0);
  const features = new Float32Array(count * first.featureSize);
  const labels = new Int32Array(count);
  let row = 0;
  for (const set of sets) {
    features.set(set.features, row * first.featureSize);
    labels.set(set.labels, row);
    row += set.count;
  }
  return { count, featureSize: first.featureSize, numClasses: Math.max(...sets.map((s) => s.numClasses)), features, labels };
}
