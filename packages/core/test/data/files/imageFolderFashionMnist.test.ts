import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFashionMnist, FASHION_MNIST_CLASSES } from '../../../src/data/fashionMnist.js';
import { selectIndices, toFeatureSet } from '../../../src/data/features.js';
import { readImageFolder, type ImageFolder } from '../../../src/data/files/index.js';
import type { LabelledImages } from '../../../src/data/types.js';
import { parseExperiment } from '../../../src/experiment/parse.js';
import { buildImageFederation } from '../../../src/federation/imageFederation.js';
import { frozenLinear, type BaseModel } from '../../../src/model/architectures/baseModel.js';
import { loadBaseModel } from '../../../src/model/formats/baseModelFile.js';
import { embeddedBasePath } from '../../../src/model/formats/embeddedBase.js';
import { useTfBackend } from '../../../src/model/training/tfBackend.js';
import { GREY, pngOf, tempFolder, writeTree } from './imageFixtures.js';

const TRAIN_IMAGES = 300;
const TEST_IMAGES = 200;
/** Folder names that sort in label order: `0-t-shirt-top`, `1-trouser`, … */
const CLASS_FOLDERS = FASHION_MNIST_CLASSES.map((name, label) => `${label}-${name.toLowerCase().replace(/[^a-z]+/g, '-')}`);

/**
 * The first `count` images of `set` as grey PNGs in class folders, named by their position so each
 * class folder reads back in the original order; returns the folder and the positions in the order
 * the folder holds them (by class, then position).
 */
function writeClassFolders(set: LabelledImages, count: number): { folder: string; order: number[] } {
  const size = set.rows * set.cols;
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < count; i++) {
    const pixels = [...set.pixels.subarray(i * size, (i + 1) * size)];
    files[`${CLASS_FOLDERS[set.labels[i]!]}/${String(i).padStart(5, '0')}.png`] = pngOf(set.cols, set.rows, GREY, pixels);
  }
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => set.labels[a]! - set.labels[b]! || a - b);
  return { folder: writeTree(tempFolder(), files), order };
}

/** Everything but the pixels, in a form that compares fast. */
function summary({ count, rows, cols, numClasses, labels }: LabelledImages) {
  return { count, rows, cols, numClasses, labels: [...labels] };
}

/** Share of `images` whose label the base's own head predicts, among images of the classes it was trained on. */
function baseAccuracy(base: BaseModel, images: LabelledImages): number {
  const features = toFeatureSet(images);
  const predictions = tf.tidy(() => {
    const x = tf.tensor2d(features.features, [features.count, features.featureSize]);
    return tf.argMax(base.forward(x, (module, h) => frozenLinear(h, base.frozen.get(module.name)!)), 1).dataSync();
  });
  const seen = [...features.labels.keys()].filter((i) => features.labels[i]! < base.numClasses);
  return seen.filter((i) => predictions[i] === features.labels[i]).length / seen.length;
}

describe('a folder of 28×28 class folders in place of the built-in Fashion-MNIST', () => {
  const builtIn = loadFashionMnist({ source: 'embedded' });
  let train: { folder: string; order: number[] };
  let test: { folder: string; order: number[] };
  let base: BaseModel;
  beforeAll(async () => {
    await useTfBackend('cpu');
    train = writeClassFolders(builtIn.train, TRAIN_IMAGES);
    test = writeClassFolders(builtIn.test, TEST_IMAGES);
    base = await loadBaseModel(embeddedBasePath());
  });
  afterAll(() => base.dispose());

  it('reads back the same pixels and labels as the built-in data', () => {
    for (const [split, written] of [
      ['train', train],
      ['test', test],
    ] as const) {
      const read: ImageFolder = readImageFolder(written.folder);
      expect(read.classNames).toEqual(CLASS_FOLDERS);
      const expected = selectIndices(builtIn[split], written.order);
      expect(summary(read.images)).toEqual(summary(expected));
      // Byte comparison: element-wise equality of large typed arrays is slow.
      expect(Buffer.from(read.images.pixels).equals(Buffer.from(expected.pixels))).toBe(true);
    }
  });

  it('builds a federation with the embedded base, which classifies the images as it does the built-in ones', async () => {
    const images = {
      train: readImageFolder(train.folder).images,
      test: readImageFolder(test.folder).images,
      origin: `folder (${train.folder})`,
      kind: 'folder' as const,
    };
    const experiment = parseExperiment({
      name: 'image-folder',
      seed: 3,
      data: { numClients: 3 },
      adapter: { rank: 2, alpha: 4 },
      training: { rounds: 1, localEpochs: 1, tfBackend: 'cpu' },
    });
    const federation = await buildImageFederation(experiment, images, 'cpu', async () => ({
      base: await loadBaseModel(embeddedBasePath()),
      basePath: embeddedBasePath(),
    }));
    try {
      expect(federation.pool.featureSize).toBe(federation.base.inputSize);
      expect(federation.tasks[0]!.numClasses).toBe(10);
    } finally {
      federation.base.dispose();
    }
    const fromFolder = baseAccuracy(base, images.test);
    expect(fromFolder).toBe(baseAccuracy(base, selectIndices(builtIn.test, test.order)));
    // Far above the 1-in-5 of guessing: pixels transposed, inverted or scaled wrongly would not be.
    expect(fromFolder).toBeGreaterThan(0.7);
  });
});
