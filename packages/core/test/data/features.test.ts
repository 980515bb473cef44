import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compactClassMap, selectIndices, toFeatureSet } from '../../src/data/features.js';
import type { LabelledImages } from '../../src/data/types.js';
import { ConfigError, DataError } from '../../src/errors.js';
import { syntheticImages } from './fixtures.js';

/** Two 1×2 images: [0, 255] labelled 3 and [51, 102] labelled 5. */
const tiny: LabelledImages = {
  count: 2,
  rows: 1,
  cols: 2,
  pixels: Uint8Array.of(0, 255, 51, 102),
  labels: Uint8Array.of(3, 5),
  numClasses: 10,
};

describe('toFeatureSet', () => {
  it('scales pixels to [0, 1] and keeps labels', () => {
    const set = toFeatureSet(tiny);
    expect([set.count, set.featureSize, set.numClasses]).toEqual([2, 2, 10]);
    expect(set.features).toEqual(Float32Array.of(0, 1, 0.2, 0.4));
    expect(set.labels).toEqual(Int32Array.of(3, 5));
  });

  it('converts straight into shared memory when asked, with the same values', () => {
    const images = syntheticImages([0, 3, 7, 1, 9]);
    const shared = toFeatureSet(images, { shared: true });
    expect(shared.features.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.labels.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(shared.features)).toEqual(Array.from(toFeatureSet(images).features));
    expect(Array.from(shared.labels)).toEqual(Array.from(toFeatureSet(images).labels));
  });

  it('remaps labels through a class map, dropping unlisted classes only when asked', () => {
    const images = syntheticImages([3, 5, 3, 7], 2);
    const map = compactClassMap([5, 3]);
    const set = toFeatureSet(images, { classMap: map, dropUnmapped: true });
    expect(set.labels).toEqual(Int32Array.of(1, 0, 1));
    expect(set.numClasses).toBe(2);
    // the kept rows are images 0, 1 and 2, in order
    expect(set.features).toEqual(toFeatureSet(selectIndices(images, [0, 1, 2])).features);
    expect(() => toFeatureSet(images, { classMap: map })).toThrow(ConfigError);
    expect(() => toFeatureSet(images, { classMap: map })).toThrow(/image 3 has label 7.*dropUnmapped: true/);
  });

  it('refuses class-map targets that are not labels', () => {
    expect(() =>
      toFeatureSet(tiny, {
        classMap: new Map([
          [3, -1],
          [5, 0],
        ]),
      }),
    ).toThrow(/non-negative integers/);
  });
});

describe('compactClassMap', () => {
  it('numbers the listed classes from 0 in order', () => {
    expect([...compactClassMap([7, 2, 4])]).toEqual([
      [7, 0],
      [2, 1],
      [4, 2],
    ]);
  });

  it('refuses a class listed twice', () => {
    expect(() => compactClassMap([1, 2, 1])).toThrow(ConfigError);
  });
});

describe('selectIndices', () => {
  it('gathers images in the given order', () => {
    const picked = selectIndices(tiny, [1, 0, 1]);
    expect(picked.count).toBe(3);
    expect(Array.from(picked.pixels)).toEqual([51, 102, 0, 255, 51, 102]);
    expect(Array.from(picked.labels)).toEqual([5, 3, 5]);
  });

  it('refuses indices outside the set', () => {
    expect(() => selectIndices(tiny, [2])).toThrow(DataError);
    expect(() => selectIndices(toFeatureSet(tiny), [0, -1])).toThrow(/index -1/);
  });

  test.prop([
    fc
      .array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 30 })
      .chain((labels) => fc.tuple(fc.constant(labels), fc.shuffledSubarray(Array.from(labels.keys())))),
  ])('commutes with feature conversion', ([labels, indices]) => {
    const images = syntheticImages(labels, 3);
    const viaImages = toFeatureSet(selectIndices(images, indices));
    const viaFeatures = selectIndices(toFeatureSet(images), indices);
    expect(viaFeatures).toEqual(viaImages);
    expect(viaFeatures.count).toBe(indices.length);
  });
});
