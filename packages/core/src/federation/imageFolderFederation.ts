import { isAbsolute, resolve } from 'node:path';
import { selectIndices } from '../data/features.js';
import type { FashionMnist } from '../data/fashionMnistFormat.js';
import { readImageFolder, type ImageFolder } from '../data/files/imageFolder.js';
import { allIndices, groupByClass } from '../data/indexLists.js';
import { stratifiedSubset } from '../data/splits.js';
import type { LabelledImages } from '../data/types.js';
import { ConfigError, DataError } from '../errors.js';
import type { Experiment } from '../experiment/schema.js';
import { loadBaseModel } from '../model/formats/baseModelFile.js';
import { embeddedBasePath } from '../model/formats/embeddedBase.js';
import { useTfBackend } from '../model/training/tfBackend.js';
import { RandomStream, RandomStreams } from '../random/counterRandom.js';
import { resolveBasePath } from './experimentPaths.js';
import { buildImageFederation, type LoadedBase } from './imageFederation.js';
import type { Federation } from './types.js';

/** Share of each class of `data.path` that tests the adapter when `data.testPath` is not set. */
export const IMAGE_FOLDER_TEST_FRACTION = 0.2;

/** Refuses settings an image-folder federation cannot honour, before anything is read; returns `data.path`. */
function checkSettings(experiment: Experiment): string {
  const { data } = experiment;
  if (data.path === undefined) {
    throw new ConfigError(
      'data.dataset "image-folder" reads data.path, which is not set; set it to a folder of class folders of PNG or JPEG images, relative to the experiment file.',
    );
  }
  if (data.source !== 'embedded') {
    throw new ConfigError(`data.source "${data.source}" names the Fashion-MNIST files to read; image-folder reads data.path instead, so remove data.source.`);
  }
  if (data.tasks !== undefined) {
    throw new ConfigError('data.tasks (rotated or relabelled Fashion-MNIST images) does not apply to image-folder; remove it.');
  }
  return data.path;
}

/** A split of one folder's images: `IMAGE_FOLDER_TEST_FRACTION` of each class, drawn from the seed, on the test side. */
function splitFolder(read: ImageFolder, folder: string, seed: number): { train: LabelledImages; test: LabelledImages } {
  const { images, classNames } = read;
  const all = allIndices(images.count);
  // Client 2 of the subset stream: data limits draw from clients 0 and 1 of it.
  const stream = new RandomStream({ seed, round: 0, client: 2, stream: RandomStreams.subset });
  const testRows = stratifiedSubset(images.labels, all, Math.max(1, Math.round(images.count * IMAGE_FOLDER_TEST_FRACTION)), stream);
  const onTest = new Set(testRows);
  const sides = { train: selectIndices(images, all.filter((i) => !onTest.has(i))), test: selectIndices(images, testRows) };
  for (const [name, side] of Object.entries(sides)) {
    const byClass = groupByClass(side.labels, allIndices(side.count));
    const missing = classNames.find((_, label) => (byClass[label]?.length ?? 0) === 0);
    if (missing !== undefined) {
      throw new DataError(
        `${folder}: class "${missing}" has no image on the ${name} side (${IMAGE_FOLDER_TEST_FRACTION * 100}% of each class test ` +
          'the adapter); give every class at least 5 images, or name separate test images with data.testPath.',
      );
    }
  }
  return sides;
}

/** The train and test images: `data.testPath` read with the same class names, or a split of `data.path`. */
function readSides(experiment: Experiment, trainFolder: string, experimentDir: string): FashionMnist {
  const { data, seed } = experiment;
  const size = data.imageSize;
  const train = readImageFolder(trainFolder, { size });
  if (data.testPath === undefined) {
    return { ...splitFolder(train, trainFolder, seed), origin: `folder (${trainFolder})`, kind: 'folder' };
  }
  const testFolder = resolvePath(data.testPath, experimentDir);
  const test = readImageFolder(testFolder, { size });
  if (test.classNames.join('\n') !== train.classNames.join('\n')) {
    throw new DataError(
      `the class folders of data.testPath ${testFolder} [${test.classNames.join(', ')}] differ from those of data.path ${trainFolder} ` +
        `[${train.classNames.join(', ')}]; give both folders the same class folders, so label i means the same class in each.`,
    );
  }
  if (test.images.rows !== train.images.rows || test.images.cols !== train.images.cols) {
    throw new DataError(
      `the images of data.testPath ${testFolder} are ${test.images.rows}×${test.images.cols} but those of data.path ${trainFolder} are ` +
        `${train.images.rows}×${train.images.cols}; set data.imageSize to resize both to one size.`,
    );
  }
  return { train: train.images, test: test.images, origin: `folder (${trainFolder})`, kind: 'folder' };
}

function resolvePath(path: string, experimentDir: string): string {
  return isAbsolute(path) ? path : resolve(experimentDir, path);
}

/** Loads the fedtune base and refuses it when its input is not one pixel per feature of the images. */
async function loadBaseFor(experiment: Experiment, experimentDir: string, images: LabelledImages): Promise<LoadedBase> {
  const basePath = resolveBasePath(experiment.model.base, experimentDir, embeddedBasePath);
  const base = await loadBaseModel(basePath);
  const pixels = images.rows * images.cols;
  if (base.inputSize !== pixels) {
    base.dispose();
    throw new ConfigError(
      `model.base ${basePath} takes ${base.inputSize} inputs, but the images are ${images.rows}×${images.cols} = ${pixels} pixels; ` +
        'set data.imageSize to [rows, cols] with rows × cols = ' +
        `${base.inputSize}${base.inputSize === 784 ? ' ([28, 28])' : ''} so every image is resized to fit, or pre-train a base for this size.`,
    );
  }
  return { base, basePath };
}

/**
 * A federation on the person's own images (`data.path`, class folders read by `readImageFolder`,
 * resized to `data.imageSize` when set) and a fedtune base: the test side is `data.testPath` or
 * {@link IMAGE_FOLDER_TEST_FRACTION} of each class drawn from the seed, and from there the images
 * go the Fashion-MNIST way (`buildImageFederation`: limits, partition, base), every training image
 * downstream since the base never saw them.
 * @throws ConfigError for settings that do not apply or a base of another input size;
 *   DataError for unreadable folders, too few images or test classes that differ.
 */
export async function prepareImageFolderFederation(experiment: Experiment, experimentDir: string): Promise<Federation> {
  const trainFolder = resolvePath(checkSettings(experiment), experimentDir);
  const images = readSides(experiment, trainFolder, experimentDir);
  const tfBackend = await useTfBackend(experiment.training.tfBackend);
  const classes = images.train.numClasses;
  return buildImageFederation(experiment, images, tfBackend, () => loadBaseFor(experiment, experimentDir, images.train), {
    dataOrigin: `image-folder (${classes} classes)`,
  });
}
