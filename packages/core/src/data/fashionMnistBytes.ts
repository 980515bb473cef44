import { DataError } from '../errors.js';
import type { ByteSource } from '../io/byteSource.js';
import {
  CHECKSUMS_FILE,
  EMBEDDED_FASHION_MNIST_FOLDER,
  FASHION_MNIST_FILES,
  pairImagesWithLabels,
  REGENERATE_HINT,
  type FashionMnist,
  type FileRole,
} from './fashionMnistFormat.js';
import { decodeIdxBytes } from './idxDecode.js';
import { parseSha256Sums, sha256HexOf } from './sha256Sums.js';
import type { LabelledImages } from './types.js';

/**
 * Reads the embedded Fashion-MNIST subset from `source`, which holds fedtune's data folder
 * (`fashion-mnist/SHA256SUMS` and the four gzipped IDX files), checking every file against
 * `SHA256SUMS` as `loadFashionMnist({ source: 'embedded' })` does, so both give the same images.
 *
 * @throws DataError when a file is missing, fails its checksum, or the files are not a valid split.
 */
export async function readEmbeddedFashionMnist(source: ByteSource): Promise<FashionMnist> {
  const name = (file: string) => `${EMBEDDED_FASHION_MNIST_FOLDER}/${file}`;
  const sumsName = name(CHECKSUMS_FILE);
  const sums = parseSha256Sums(new TextDecoder().decode(await source.read(sumsName)), source.locate(sumsName));
  const read = async (role: FileRole) => {
    const file = `${FASHION_MNIST_FILES[role]}.gz`;
    const path = source.locate(name(file));
    const expected = sums.get(file);
    if (expected === undefined) {
      throw new DataError(`${source.locate(sumsName)} lists no checksum for ${file}. ${REGENERATE_HINT}`);
    }
    const bytes = await source.read(name(file));
    const actual = await sha256HexOf(bytes);
    if (actual !== expected) {
      throw new DataError(
        `${path}: SHA-256 ${actual} differs from ${expected} listed in ${source.locate(sumsName)}; the file is ` +
          `corrupt or was changed. ${REGENERATE_HINT}`,
      );
    }
    return { path, idx: await decodeIdxBytes(bytes, path) };
  };
  const split = async (images: FileRole, labels: FileRole): Promise<LabelledImages> => {
    const [imagesFile, labelsFile] = await Promise.all([read(images), read(labels)]);
    return pairImagesWithLabels(imagesFile, labelsFile);
  };
  return {
    train: await split('trainImages', 'trainLabels'),
    test: await split('testImages', 'testLabels'),
    origin: `embedded (${source.locate(EMBEDDED_FASHION_MNIST_FOLDER)})`,
    kind: 'embedded',
  };
}
