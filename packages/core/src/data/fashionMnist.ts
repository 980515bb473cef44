import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataError } from '../errors.js';
import { parseSha256Sums, sha256Hex } from './checksums.js';
import { findDataDir } from './dataDir.js';
import {
  CHECKSUMS_FILE,
  EMBEDDED_FASHION_MNIST_FOLDER,
  FASHION_MNIST_FILES,
  FILE_ROLES,
  MAX_CHECKSUMS_FILE_BYTES,
  pairImagesWithLabels,
  REGENERATE_HINT,
  type FashionMnist,
  type FileRole,
} from './fashionMnistFormat.js';
import { decodeIdx } from './idx.js';
import { DEFAULT_MAX_IDX_BYTES } from './idxDecode.js';
import { readDataFile } from './readDataFile.js';
import type { LabelledImages } from './types.js';

export {
  CHECKSUMS_FILE,
  EMBEDDED_FASHION_MNIST_FOLDER,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_FILES,
  FASHION_MNIST_IMAGE_SIZE,
  type FashionMnist,
} from './fashionMnistFormat.js';

/** Where Debian's `dataset-fashion-mnist` package installs the original files. */
export const SYSTEM_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

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
  const sumsText = new TextDecoder().decode(readDataFile(sumsPath, 'a sha256sum list', MAX_CHECKSUMS_FILE_BYTES));
  const sums = parseSha256Sums(sumsText, sumsPath);
  return loadSplits('embedded', dir, (role) => {
    const name = `${FASHION_MNIST_FILES[role]}.gz`;
    const path = join(dir, name);
    const expected = sums.get(name);
    if (expected === undefined) {
      throw new DataError(`${sumsPath} lists no checksum for ${name}. ${REGENERATE_HINT}`);
    }
    if (!existsSync(path)) throw new DataError(`${path} is missing. ${REGENERATE_HINT}`);
    const bytes = readIdxData(path);
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
    return { path, bytes: readIdxData(path) };
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

function readIdxData(path: string): Uint8Array {
  return readDataFile(path, 'a Fashion-MNIST IDX file', DEFAULT_MAX_IDX_BYTES);
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
    train: pairFiles(read('trainImages'), read('trainLabels')),
    test: pairFiles(read('testImages'), read('testLabels')),
    origin: `${kind} (${dir})`,
    kind,
  };
}

function pairFiles(images: { path: string; bytes: Uint8Array }, labels: { path: string; bytes: Uint8Array }): LabelledImages {
  return pairImagesWithLabels(
    { path: images.path, idx: decodeIdx(images.bytes, images.path) },
    { path: labels.path, idx: decodeIdx(labels.bytes, labels.path) },
  );
}
