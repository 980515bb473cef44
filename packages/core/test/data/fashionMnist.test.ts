import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sha256Hex } from '../../src/data/checksums.js';
import { DATA_DIR_ENV } from '../../src/data/dataDir.js';
import { embeddedTrainIndices } from '../../src/data/embeddedSubset.js';
import {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_FILES,
  SYSTEM_FASHION_MNIST_DIR,
  loadFashionMnist,
} from '../../src/data/fashionMnist.js';
import { writeFashionMnistFolder } from '../../src/data/fashionMnistWriter.js';
import { selectIndices } from '../../src/data/features.js';
import { type IdxArray, writeIdxFile } from '../../src/data/idx.js';
import type { LabelledImages } from '../../src/data/types.js';
import { DataError } from '../../src/errors.js';
import { syntheticImages, useTempDirs } from './fixtures.js';

const tempDir = useTempDirs();
afterEach(() => {
  vi.unstubAllEnvs();
});

function classCounts(images: LabelledImages): number[] {
  const counts = new Array<number>(images.numClasses).fill(0);
  for (const label of images.labels) counts[label]! += 1;
  return counts;
}

/** A folder holding a tiny, valid Fashion-MNIST look-alike (4 train and 3 test images), gzipped. */
function syntheticFolder(dir = tempDir()): { dir: string; train: LabelledImages; test: LabelledImages } {
  const train = syntheticImages([0, 9, 3, 3]);
  const test = syntheticImages([1, 2, 1]);
  writeFashionMnistFolder(dir, { train, test });
  return { dir, train, test };
}

type FileRole = keyof typeof FASHION_MNIST_FILES;

/** A folder of the four files, uncompressed: a valid two-image set except for `overrides`. */
function rawFolder(overrides: Partial<Record<FileRole, IdxArray>>): { dir: string; path: (role: FileRole) => string } {
  const dir = tempDir();
  const valid = syntheticImages([0, 1]);
  const images = { dims: [2, 28, 28], data: valid.pixels };
  const labels = { dims: [2], data: valid.labels };
  const arrays = { trainImages: images, trainLabels: labels, testImages: images, testLabels: labels, ...overrides };
  const path = (role: FileRole) => join(dir, FASHION_MNIST_FILES[role]);
  for (const role of Object.keys(arrays) as FileRole[]) writeIdxFile(path(role), arrays[role], { gzip: false });
  return { dir, path };
}

/** The message of the DataError that loading `source` raises. */
function loadFailure(source: string, systemDir?: string): string {
  try {
    loadFashionMnist({ source, ...(systemDir === undefined ? {} : { systemDir }) });
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return (error as Error).message;
  }
  throw new Error(`loading ${source} did not fail`);
}

describe('the embedded subset', () => {
  it('holds 1,200 training images per class and the full 10,000-image test set', () => {
    const { train, test, origin } = loadFashionMnist({ source: 'embedded' });
    expect(origin).toMatch(/^embedded \(.*fashion-mnist\)$/);
    expect([train.count, train.rows, train.cols, train.numClasses]).toEqual([12_000, 28, 28, 10]);
    expect(train.pixels.length).toBe(12_000 * 784);
    expect(classCounts(train)).toEqual(new Array(10).fill(1200));
    expect(test.count).toBe(10_000);
    expect(classCounts(test)).toEqual(new Array(10).fill(1000));
    expect(FASHION_MNIST_CLASSES).toHaveLength(10);
  });

  it.skipIf(!existsSync(join(SYSTEM_FASHION_MNIST_DIR, `${FASHION_MNIST_FILES.trainImages}.gz`)))(
    'is exactly the recipe applied to the full set Debian installs',
    () => {
      const full = loadFashionMnist({ source: 'system' });
      expect([full.train.count, full.test.count]).toEqual([60_000, 10_000]);
      const embedded = loadFashionMnist({ source: 'embedded' });
      const rebuilt = selectIndices(full.train, embeddedTrainIndices(full.train));
      // Hashes, because element-wise comparison of megabyte arrays is slow.
      expect(sha256Hex(rebuilt.labels)).toBe(sha256Hex(embedded.train.labels));
      expect(sha256Hex(rebuilt.pixels)).toBe(sha256Hex(embedded.train.pixels));
      expect(sha256Hex(full.test.pixels)).toBe(sha256Hex(embedded.test.pixels));
      expect(sha256Hex(full.test.labels)).toBe(sha256Hex(embedded.test.labels));
    },
  );

  it(`is read from ${DATA_DIR_ENV} when set, and checked against its SHA256SUMS`, () => {
    const root = tempDir();
    const { train } = syntheticFolder(join(root, 'fashion-mnist'));
    vi.stubEnv(DATA_DIR_ENV, root);
    expect(loadFashionMnist({ source: 'embedded' }).train).toEqual(train);

    const tampered = join(root, 'fashion-mnist', `${FASHION_MNIST_FILES.testLabels}.gz`);
    const bytes = readFileSync(tampered);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(tampered, bytes);
    expect(loadFailure('embedded')).toMatch(
      new RegExp(`^${tampered}: SHA-256 [0-9a-f]{64} differs .*make-fashion-mnist-subset`),
    );
  });

  it('fails when SHA256SUMS does not list a file', () => {
    const root = tempDir();
    writeFashionMnistFolder(join(root, 'fashion-mnist'), { train: syntheticImages([1]), test: syntheticImages([2]) });
    const sums = join(root, 'fashion-mnist', 'SHA256SUMS');
    writeFileSync(sums, readFileSync(sums, 'utf8').split('\n').slice(1).join('\n'));
    vi.stubEnv(DATA_DIR_ENV, root);
    expect(() => loadFashionMnist({ source: 'embedded' })).toThrow(/lists no checksum for train-images-idx3-ubyte\.gz/);
  });

  it(`fails clearly when ${DATA_DIR_ENV} names a folder without the data`, () => {
    const empty = tempDir();
    vi.stubEnv(DATA_DIR_ENV, empty);
    expect(() => loadFashionMnist({ source: 'embedded' })).toThrow(/has no fashion-mnist\/SHA256SUMS.*unset it/);
  });
});

describe('loading a folder', () => {
  it('reads back what the writer wrote', () => {
    const { dir, train, test } = syntheticFolder();
    const loaded = loadFashionMnist({ source: dir });
    expect(loaded.train).toEqual(train);
    expect(loaded.test).toEqual(test);
    expect(loaded.origin).toBe(`folder (${dir})`);
  });

  it('accepts uncompressed files under the original names', () => {
    const { dir } = rawFolder({});
    const loaded = loadFashionMnist({ source: dir });
    expect(Array.from(loaded.train.labels)).toEqual([0, 1]);
    expect(loaded.test.pixels).toEqual(syntheticImages([0, 1]).pixels);
  });

  it('names both files when image and label counts differ', () => {
    const { dir, path } = rawFolder({ trainLabels: { dims: [3], data: Uint8Array.of(1, 2, 3) } });
    expect(loadFailure(dir)).toBe(
      `${path('trainImages')} and ${path('trainLabels')} disagree: 2 images but a 3 label array; ` +
        'use the images and labels of the same split, from the same copy of Fashion-MNIST.',
    );
  });

  it('names both files when images are not 28×28', () => {
    const small = syntheticImages([0, 1], 32);
    const { dir, path } = rawFolder({ testImages: { dims: [2, 32, 32], data: small.pixels } });
    const message = loadFailure(dir);
    expect(message).toContain(`${path('testImages')} holds a 2×32×32 array, not count×28×28`);
    expect(message).toContain(path('testLabels'));
  });

  it('names the label file when a label is not a class', () => {
    const { dir, path } = rawFolder({ testLabels: { dims: [2], data: Uint8Array.of(3, 10) } });
    expect(loadFailure(dir)).toMatch(new RegExp(`^${path('testLabels')}: label 10 of image 1 is not one`));
  });

  it('lists the missing files, or says the folder does not exist', () => {
    const { dir, path } = rawFolder({});
    rmSync(path('testLabels'));
    expect(loadFailure(dir)).toMatch(/missing t10k-labels-idx1-ubyte\[\.gz\]/);
    expect(loadFailure(join(dir, 'nowhere'))).toMatch(/no such folder.*'embedded', 'system' or 'auto'/);
  });
});

describe('the system and auto sources', () => {
  it('tells how to install the system copy when it is missing', () => {
    expect(loadFailure('system', tempDir())).toMatch(
      /not installed in .*apt-get install dataset-fashion-mnist.*'embedded'/,
    );
  });

  it('takes the system copy when present', () => {
    const { dir, train } = syntheticFolder();
    const loaded = loadFashionMnist({ source: 'auto', systemDir: dir });
    expect(loaded.origin).toBe(`system (${dir})`);
    expect(loaded.train).toEqual(train);
  });

  it('falls back to the embedded subset when the system copy is missing', () => {
    const loaded = loadFashionMnist({ source: 'auto', systemDir: tempDir() });
    expect(loaded.origin).toMatch(/^embedded /);
    expect(loaded.train.count).toBe(12_000);
  });
});
