import { ConfigError, DataError } from '../../errors.js';
import { readDataFile } from '../readDataFile.js';
import type { LabelledImages } from '../types.js';
import { decodeImageLuma, readImageHeader } from './imageDecode.js';
import type { ImageHeader } from './imageHeader.js';
import { listImageFolder } from './imageFolderListing.js';
import { resizeBilinear } from './imageResize.js';

/** Bounds on what {@link readImageFolder} reads, each checked before the memory it guards is used. */
export interface ImageFolderLimits {
  /** Largest image file, in bytes; a larger one is refused before any of it is read. */
  maxFileBytes: number;
  /** Most pixels (width × height) one image may declare; checked from its header before decoding. */
  maxPixels: number;
  /** Most images in the folder; checked from the file names before any image is read. */
  maxImages: number;
  /** Most pixel bytes in the result (images × rows × cols); checked before it is allocated. */
  maxTotalPixels: number;
}

/**
 * 32 MiB per file, 2²⁴ pixels per image (4096 × 4096), 200 000 images, 2²⁸ pixel bytes in all
 * (256 MiB, which `toFeatureSet` turns into 1 GiB of float32 features).
 */
export const DEFAULT_IMAGE_FOLDER_LIMITS: Readonly<ImageFolderLimits> = {
  maxFileBytes: 32 * 2 ** 20,
  maxPixels: 2 ** 24,
  maxImages: 200_000,
  maxTotalPixels: 2 ** 28,
};

/** How {@link readImageFolder} reads a folder. */
export interface ImageFolderOptions {
  /**
   * Every image resized to `[rows, cols]` (bilinear, see `resizeBilinear`). Without it every image
   * must have the size of the first one read.
   */
  size?: readonly [rows: number, cols: number];
  /** Tighter or looser bounds than {@link DEFAULT_IMAGE_FOLDER_LIMITS}, key by key. */
  limits?: Partial<ImageFolderLimits>;
}

/** A folder of class folders, read. */
export interface ImageFolder {
  /** Grey images in class order, each class's files in name order; label i is `classNames[i]`. */
  images: LabelledImages;
  /** The class folders' names, sorted: the class of label i is `classNames[i]`. */
  classNames: string[];
  /** What was passed over (files that are not images, nested folders), one line each. */
  notes: string[];
}

/** The size every image is read at, and the image that set it. */
interface TargetSize {
  rows: number;
  cols: number;
  setBy: string;
}

/**
 * Reads a folder whose subfolders are classes (`cats/001.png`, `dogs/a.jpg`, …) into grey images
 * ready for `toFeatureSet`, as Fashion-MNIST's IDX files are: class folders sorted by name are
 * labels 0…K−1 (2 ≤ K ≤ 256). `.png`, `.jpg` and `.jpeg` files (any case) are read and decoded by
 * their contents; hidden files are passed over, and other files and nested folders are passed over
 * with a note. Colour becomes ITU-R BT.601 luma (0.299·R + 0.587·G + 0.114·B) on the stored samples,
 * alpha is composited over black, 16-bit samples are scaled to 8 bits, and each pixel is rounded
 * to the nearest byte once, after any resize.
 *
 * Every file is read within `limits.maxFileBytes`, and the width × height its header declares
 * (PNG IHDR, JPEG SOF) is checked against `limits.maxPixels` before it is decoded. PNG chunks are
 * checked against their CRCs; JPEG has no checksum, so damage inside its compressed data can decode
 * to wrong pixels rather than fail.
 *
 * @throws DataError naming the file or folder: a missing folder, fewer than 2 or more than 256
 *   classes, a class folder with no image, a file that is not a PNG or JPEG, corrupt or truncated,
 *   an image of another size than the first without `size`, or a limit exceeded.
 * @throws ConfigError when `size` or a limit is not a positive integer.
 */
export function readImageFolder(folder: string, options: ImageFolderOptions = {}): ImageFolder {
  const limits = checkedLimits(options.limits);
  if (options.size !== undefined) checkPositiveIntegers('size', options.size);
  const { classes, notes } = listImageFolder(folder, limits.maxImages);
  const count = classes.reduce((sum, { paths }) => sum + paths.length, 0);
  const labels = new Uint8Array(count);
  let target: TargetSize | undefined;
  let pixels = new Uint8Array(0);
  let image = 0;
  classes.forEach(({ paths }, label) => {
    for (const path of paths) {
      const bytes = readDataFile(path, 'a PNG or JPEG image', limits.maxFileBytes);
      const header = readImageHeader(bytes, path, limits.maxPixels);
      if (target === undefined) {
        target = targetSize(options.size, header, path);
        checkTotal(folder, count, target, limits.maxTotalPixels);
        pixels = new Uint8Array(count * target.rows * target.cols);
      } else if (options.size === undefined) {
        checkSameSize(header, path, target);
      }
      const grey = { rows: header.height, cols: header.width, values: decodeImageLuma(bytes, header, path, limits.maxPixels) };
      const { values } = resizeBilinear(grey, target.rows, target.cols);
      const offset = image * values.length;
      // Interpolated values stay within their inputs' [0, 255], so rounding cannot wrap a byte.
      for (let p = 0; p < values.length; p++) pixels[offset + p] = Math.round(values[p]!);
      labels[image++] = label;
    }
  });
  const { rows, cols } = target!;
  return {
    images: { count, rows, cols, pixels, labels, numClasses: classes.length },
    classNames: classes.map(({ name }) => name),
    notes,
  };
}

function checkedLimits(overrides: Partial<ImageFolderLimits> = {}): ImageFolderLimits {
  const limits = { ...DEFAULT_IMAGE_FOLDER_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) checkPositiveIntegers(`limits.${name}`, [value]);
  return limits;
}

function checkPositiveIntegers(name: string, values: readonly number[]): void {
  if (!values.every((value) => Number.isSafeInteger(value) && value > 0)) {
    throw new ConfigError(`${name} is ${JSON.stringify(values.length === 1 ? values[0] : values)}; give positive whole numbers.`);
  }
}

function targetSize(size: ImageFolderOptions['size'], first: ImageHeader, path: string): TargetSize {
  return size === undefined
    ? { rows: first.height, cols: first.width, setBy: `${path}, the first image` }
    : { rows: size[0], cols: size[1], setBy: 'size' };
}

function checkTotal(folder: string, count: number, { rows, cols, setBy }: TargetSize, maxTotalPixels: number): void {
  const total = count * rows * cols;
  if (total > maxTotalPixels) {
    throw new DataError(
      `${folder}: ${count} images of ${rows} × ${cols} pixels (set by ${setBy}) make ${total} pixels, over the ` +
        `limit of ${maxTotalPixels}; set a smaller size, read fewer images, or raise limits.maxTotalPixels.`,
    );
  }
}

function checkSameSize(header: ImageHeader, path: string, { rows, cols, setBy }: TargetSize): void {
  if (header.height === rows && header.width === cols) return;
  throw new DataError(
    `${path} is ${header.height} × ${header.width} pixels (rows × columns) but ${setBy}, is ${rows} × ${cols}; ` +
      "without size every image must have the first image's size: set size: [rows, cols] to resize every " +
      'image to it, or resize the images.',
  );
}
