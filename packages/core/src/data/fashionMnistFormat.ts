import { DataError } from '../errors.js';
import type { IdxArray } from './idxDecode.js';
import type { LabelledImages } from './types.js';

/** Fashion-MNIST's class names, indexed by label. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** Side length of a Fashion-MNIST image in pixels (images are square). */
export const FASHION_MNIST_IMAGE_SIZE = 28;

/** The original file names, without `.gz`; a folder may hold them gzipped or not. */
export const FASHION_MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** The folder of the embedded subset inside fedtune's data folder (`findDataDir`). */
export const EMBEDDED_FASHION_MNIST_FOLDER = 'fashion-mnist';

/** The checksum list of the embedded subset, in that folder. */
export const CHECKSUMS_FILE = 'SHA256SUMS';

/** Largest checksum list read: a few lines of 64 hex digits and a name each, far under this. */
export const MAX_CHECKSUMS_FILE_BYTES = 1024 * 1024;

/** A loaded Fashion-MNIST: both splits and a note of where they came from. */
export interface FashionMnist {
  train: LabelledImages;
  test: LabelledImages;
  /** `embedded`, `system` or `folder`, with the folder read, e.g. `system (/usr/share/…)`. */
  origin: string;
  /** `embedded`, `system` or `folder` alone: what results record, so they name no machine's folders. */
  kind: 'embedded' | 'system' | 'folder';
}

/** One of the four files of Fashion-MNIST. */
export type FileRole = keyof typeof FASHION_MNIST_FILES;

/** The four files, in the order they are read. */
export const FILE_ROLES = Object.keys(FASHION_MNIST_FILES) as FileRole[];

/** How to restore a damaged embedded subset. */
export const REGENERATE_HINT =
  'Restore it from the repository, or regenerate the subset with ' +
  '`node scripts/make-fashion-mnist-subset.mjs` (see data/README.md).';

/** A decoded IDX file and where it came from, for messages. */
export interface DecodedIdxFile {
  path: string;
  idx: IdxArray;
}

/**
 * Pairs a split's decoded image and label files into labelled images.
 * @throws DataError when the images are not 28×28, the counts differ or a label is not a class.
 */
export function pairImagesWithLabels(imagesFile: DecodedIdxFile, labelsFile: DecodedIdxFile): LabelledImages {
  const images = imagesFile.idx;
  const labels = labelsFile.idx;
  const size = FASHION_MNIST_IMAGE_SIZE;
  const [count = 0, rows, cols] = images.dims;
  if (images.dims.length !== 3 || rows !== size || cols !== size) {
    throw new DataError(
      `${imagesFile.path} holds a ${images.dims.join('×')} array, not count×${size}×${size} ` +
        `images to pair with ${labelsFile.path}; use the Fashion-MNIST image file.`,
    );
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== count) {
    throw new DataError(
      `${imagesFile.path} and ${labelsFile.path} disagree: ${count} images but a ${labels.dims.join(
        '×',
      )} label array; use the ` + 'images and labels of the same split, from the same copy of Fashion-MNIST.',
    );
  }
  const numClasses = FASHION_MNIST_CLASSES.length;
  const badLabel = labels.data.findIndex((label) => label >= numClasses);
  if (badLabel >= 0) {
    throw new DataError(
      `${labelsFile.path}: label ${labels.data[badLabel]} of image ${badLabel} is not one of the ` +
        `${numClasses} Fashion-MNIST classes (0–${numClasses - 1}); use the Fashion-MNIST label file.`,
    );
  }
  return { count, rows: size, cols: size, pixels: images.data, labels: labels.data, numClasses };
}
