import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSha256Sums, sha256Hex } from './checksums.js';
import { CHECKSUMS_FILE, FASHION_MNIST_FILES } from './fashionMnist.js';
import { encodeIdx } from './idx.js';
import type { LabelledImages } from './types.js';

/**
 * Writes both splits into `dir` (created if needed) as gzipped IDX files under the original names,
 * plus a `SHA256SUMS` list of them, so `loadFashionMnist` can read the folder back. The bytes
 * depend only on the images, so writing the same data twice gives the same checksums.
 *
 * @returns the checksum of each file written, by file name.
 */
export function writeFashionMnistFolder(
  dir: string,
  splits: { train: LabelledImages; test: LabelledImages },
): Map<string, string> {
  mkdirSync(dir, { recursive: true });
  const arrays = [
    [FASHION_MNIST_FILES.trainImages, imageArray(splits.train)],
    [FASHION_MNIST_FILES.trainLabels, labelArray(splits.train)],
    [FASHION_MNIST_FILES.testImages, imageArray(splits.test)],
    [FASHION_MNIST_FILES.testLabels, labelArray(splits.test)],
  ] as const;
  const sums = new Map<string, string>();
  for (const [baseName, array] of arrays) {
    const name = `${baseName}.gz`;
    const bytes = encodeIdx(array, { gzip: true, level: 9 });
    writeFileSync(join(dir, name), bytes);
    sums.set(name, sha256Hex(bytes));
  }
  writeFileSync(join(dir, CHECKSUMS_FILE), formatSha256Sums(sums));
  return sums;
}

function imageArray(images: LabelledImages) {
  return { dims: [images.count, images.rows, images.cols], data: images.pixels };
}

function labelArray(images: LabelledImages) {
  return { dims: [images.count], data: images.labels };
}
