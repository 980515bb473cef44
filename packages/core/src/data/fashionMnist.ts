import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataError } from '../errors.js';
import { parseSha256Sums, sha256Hex } from './checksums.js';
import { findDataDir } from './dataDir.js';
import { decodeIdx } from './idx.js';
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

/** Where Debian's `dataset-fashion-mnist` package installs the original files. */
export const SYSTEM_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The folder of the embedded subset inside the data folder (see {@link findDataDir}). */
export const EMBEDDED_FASHION_MNIST_FOLDER = 'fashion-mnist';

/** The checksum list of the embedded subset, in that folder. */
export const CHECKSUMS_FILE = 'SHA256SUMS';

/** Which Fashion-MNIST files to load. */
export interface FashionMnistOptions {
  /**
   * `embedded` (the subset shipped in the repository's `data/fashion-mnist/`, checked against its
   * `SHA256SUMS`), `system` (the full set from Debian's package), `auto` (system when installed,
   * else embedded) or a folder holding the four files under their original names. A relative
   * folder is resolved against the working directory.
   */
  source: string;
  /** Where to look for the system copy; defaults to {@link SYSTEM_FASHION_MNIST_DIR}. */
  systemDir?: string;
}

/** A loaded Fashion-MNIST: both splits and a note of where they came from. */
export interface FashionMnist {
  train: LabelledImages;
  test: LabelledImages;
  /** `embedded`, `system` or `folder`, with the folder read, e.g. `system (/usr/share/…)`. */
  origin: string;
  /** `embedded`, `system` or `folder` alone: what results record, so they name no machine's folders. */
  kind: 'embedded' | 'system' | 'folder';
}

type FileRole = keyof typeof FASHION_MNIST_FILES;

const FILE_ROLES = Object.keys(FASHION_MNIST_FILES) as FileRole[];

const REGENERATE_HINT =
  'Restore it from the repository, or regenerate the subset with ' +
  '`node scripts/make-fashion-mnist-subset.mjs` (see data/README.md).';

/**
 * Loads Fashion-MNIST's training and test splits from `source` (see {@link FashionMnistOptions}).
 *
 * @throws DataError when files are missing, corrupt, fail their checksum, or disagree (image and
 *   label counts differ, images are not 28×28, a label is not a class).
 */
export function loadFashionMnist(options: FashionMnistOptions): FashionMnist {
  const systemDir = options.systemDir ?? SYSTEM_FASHION_MNIST_DIR;
  switch (options.source) {
    case 'embedded':
      return loadEmbedded();
    case 'system':
      return loadFolder('system', systemDir);
    case 'auto':
      return findFiles(systemDir).missing.length === 0 ? loadFolder('system', systemDir) : loadEmbedded();
    default:
      return loadFolder('folder', resolve(options.source));
  }
}

function loadEmbedded(): FashionMnist {
  const dir = join(findDataDir(), EMBEDDED_FASHION_MNIST_FOLDER);
  const sumsPath = join(dir, CHECKSUMS_FILE);
  const sums = parseSha256Sums(readFileSync(sumsPath, 'utf8'), sumsPath);
  return loadSplits('embedded', dir, (role) => {
    const name = `${FASHION_MNIST_FILES[role]}.gz`;
    const path = join(dir, name);
    const expected = sums.get(name);
    if (expected === undefined) {
      throw new DataError(`${sumsPath} lists no checksum for ${name}. ${REGENERATE_HINT}`);
    }
    if (!existsSync(path)) throw new DataError(`${path} is missing. ${REGENERATE_HINT}`);
    const bytes = readFileSync(path);
    const actual = sha256Hex(bytes);
    if (actual !== expected) {
      throw new DataError(
        `${path}: SHA-256 ${actual} differs from ${expected} listed in ${sumsPath}; the file is ` +
          `corrupt or was changed. ${REGENERATE_HINT}`,
      );
    }
    return { path, bytes };
  });
}

function loadFolder(kind: 'system' | 'folder', dir: string): FashionMnist {
  const { paths, missing } = findFiles(dir);
  if (missing.length > 0) {
    const names = missing.map((role) => `${FASHION_MNIST_FILES[role]}[.gz]`).join(', ');
    if (kind === 'system') {
      throw new DataError(
        `Fashion-MNIST is not installed in ${dir} (missing ${names}). Install it with ` +
          "`apt-get install dataset-fashion-mnist`, or use the source 'embedded' for the subset " +
          'that ships with fedtune.',
      );
    }
    throw new DataError(
      `source ${dir}: ${isFolder(dir) ? `missing ${names}` : 'no such folder'}. Name a folder ` +
        "holding the four Fashion-MNIST IDX files, or use 'embedded', 'system' or 'auto'.",
    );
  }
  return loadSplits(kind, dir, (role) => {
    const path = paths.get(role)!;
    return { path, bytes: readFileSync(path) };
  });
}

/** Each file's path in `dir`, preferring the gzipped name, and the roles with no file. */
function findFiles(dir: string): { paths: Map<FileRole, string>; missing: FileRole[] } {
  const paths = new Map<FileRole, string>();
  const missing: FileRole[] = [];
  for (const role of FILE_ROLES) {
    const path = [`${FASHION_MNIST_FILES[role]}.gz`, FASHION_MNIST_FILES[role]]
      .map((name) => join(dir, name))
      .find((candidate) => existsSync(candidate));
    if (path === undefined) missing.push(role);
    else paths.set(role, path);
  }
  return { paths, missing };
}

function isFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

function loadSplits(
  kind: FashionMnist['kind'],
  dir: string,
  read: (role: FileRole) => { path: string; bytes: Uint8Array },
): FashionMnist {
  return {
    train: pairImagesWithLabels(read('trainImages'), read('trainLabels')),
    test: pairImagesWithLabels(read('testImages'), read('testLabels')),
    origin: `${kind} (${dir})`,
    kind,
  };
}

function pairImagesWithLabels(
  imagesFile: { path: string; bytes: Uint8Array },
  labelsFile: { path: string; bytes: Uint8Array },
): LabelledImages {
  const images = decodeIdx(imagesFile.bytes, imagesFile.path);
  const labels = decodeIdx(labelsFile.bytes, labelsFile.path);
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
