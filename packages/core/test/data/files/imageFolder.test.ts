import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImageFolder } from '../../../src/data/files/index.js';
import { isFedtuneError } from '../../../src/errors.js';
import { flatPng, GREY, GREY_ALPHA, jpegOf, pngOf, RGB, RGBA, rgba16PngOf, tempFolder, writeTree } from './imageFixtures.js';

/** The error `read` throws; fails the test when it throws none. */
function errorOf(read: () => unknown): Error {
  try {
    read();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

/** A folder with `image` as class `a`'s only image and a flat image of its size as class `b`'s. */
function oneImageFolder(image: Uint8Array, width: number, height: number): string {
  return writeTree(tempFolder(), { 'a/image.png': image, 'b/filler.png': flatPng(width, height, 0) });
}

/** The first image's pixels of a folder read with {@link oneImageFolder}. */
function firstImage(folder: string, size?: [number, number]): number[] {
  const { images } = readImageFolder(folder, size === undefined ? {} : { size });
  return [...images.pixels.subarray(0, images.rows * images.cols)];
}

describe('readImageFolder', () => {
  it('labels classes by folder name in sorted order and keeps each class folder in name order', () => {
    // Each class's images are a flat grey of 10·(sorted class index) + (sorted file index).
    const folder = writeTree(tempFolder(), {
      'zebra/b.png': flatPng(2, 2, 41),
      'zebra/a.PNG': flatPng(2, 2, 40),
      'Apple/x.png': flatPng(2, 2, 20),
      '9-nine/only.png': flatPng(2, 2, 10),
      '10-ten/c.JPG': jpegOf(2, 2, new Array<number>(16).fill(0), 95),
      '10-ten/a.png': flatPng(2, 2, 0),
      'mango/one.jpeg': jpegOf(2, 2, new Array<number>(16).fill(30), 95),
    });
    const { images, classNames, notes } = readImageFolder(folder);
    expect(classNames).toEqual(['10-ten', '9-nine', 'Apple', 'mango', 'zebra']);
    expect({ count: images.count, rows: images.rows, cols: images.cols, numClasses: images.numClasses }).toEqual({
      count: 7,
      rows: 2,
      cols: 2,
      numClasses: 5,
    });
    expect([...images.labels]).toEqual([0, 0, 1, 2, 3, 4, 4]);
    const firstPixels = Array.from({ length: images.count }, (_, i) => images.pixels[i * 4]);
    expect(firstPixels).toEqual([0, 0, 10, 20, 30, 40, 41]);
    expect(notes).toEqual([]);
  });

  it('passes over hidden entries silently and other files and nested folders with a note', () => {
    const notAnImage = 'not an image';
    const folder = writeTree(tempFolder(), {
      'a/1.png': flatPng(2, 2, 1),
      'a/.hidden.png': notAnImage,
      'a/.DS_Store': notAnImage,
      'a/readme.txt': notAnImage,
      'a/nested/2.png': flatPng(2, 2, 2),
      'b/1.png': flatPng(2, 2, 3),
      'b/photo.gif': notAnImage,
      '.git/HEAD.png': notAnImage,
      'LICENSE': notAnImage,
    });
    const { images, classNames, notes } = readImageFolder(folder);
    expect(classNames).toEqual(['a', 'b']);
    expect(images.count).toBe(2);
    expect(notes).toEqual([
      'passed over 1 file beside the class folders: LICENSE',
      'passed over 2 files that are not .png, .jpg or .jpeg images: a/readme.txt, b/photo.gif',
      'passed over 1 folder inside a class folder (only files directly in a class folder are read): a/nested',
    ]);
  });

  it('turns colour into BT.601 luma, rounded to the nearest grey level', () => {
    const folder = oneImageFolder(pngOf(2, 2, RGB, [255, 0, 0, 0, 255, 0, 0, 0, 255, 100, 150, 200]), 2, 2);
    // 0.299·255 = 76.245; 0.587·255 = 149.685; 0.114·255 = 29.07; 29.9 + 88.05 + 22.8 = 140.75.
    expect(firstImage(folder)).toEqual([76, 150, 29, 141]);
  });

  it('composites alpha over black', () => {
    const rgba = [255, 255, 255, 128, 200, 100, 50, 255, 0, 255, 0, 51, 10, 20, 30, 0];
    // 255·128/255 = 128; 59.8 + 58.7 + 5.7 = 124.2; 149.685·51/255 = 29.937; anything at alpha 0 is black.
    expect(firstImage(oneImageFolder(pngOf(2, 2, RGBA, rgba), 2, 2))).toEqual([128, 124, 30, 0]);
    // Grey 200 at alpha 100: 200·100/255 = 78.43.
    expect(firstImage(oneImageFolder(pngOf(1, 1, GREY_ALPHA, [200, 100]), 1, 1))).toEqual([78]);
  });

  it('scales 16-bit samples to 8 bits by dividing by 257, rounding only the final grey level', () => {
    const opaque = 0xffff;
    const samples = [
      [0xff00, 0xff00, 0xff00, opaque], // 65280/257 = 254.0 (the high byte is 255)
      [0x00ff, 0x00ff, 0x00ff, opaque], // 255/257 = 0.99 (the high byte is 0)
      [0xffff, 0, 0, 0x8000], // 0.299·65535·(32768/65535)/257 = 38.12
      [0xffff, 0xffff, 0xffff, 0x8000], // 255·32768/65535 = 127.502
      [0, 0x30ba, 0, opaque], // 0.587·12474/257 = 28.49; green rounded to 49 first would give 28.76
    ].flat();
    expect(firstImage(oneImageFolder(rgba16PngOf(5, 1, samples), 5, 1))).toEqual([254, 1, 38, 128, 28]);
  });

  it('decodes JPEGs within 3 grey levels of the encoded image at quality 95', () => {
    const [width, height] = [16, 16];
    const rgba: number[] = [];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) rgba.push(40 + 10 * x, 30 + 8 * y, 200 - 5 * (x + y), 255);
    }
    const folder = writeTree(tempFolder(), { 'a/photo.jpg': jpegOf(width, height, rgba, 95), 'b/flat.png': flatPng(width, height, 0) });
    const decoded = firstImage(folder);
    const expected = Array.from({ length: width * height }, (_, p) => 0.299 * rgba[4 * p]! + 0.587 * rgba[4 * p + 1]! + 0.114 * rgba[4 * p + 2]!);
    const worst = Math.max(...decoded.map((value, p) => Math.abs(value - expected[p]!)));
    // JPEG is lossy: a smooth image at quality 95 comes back within a few levels, never exactly.
    expect(worst).toBeLessThanOrEqual(3);
    expect(worst).toBeGreaterThan(0);
  });

  it('refuses images of another size than the first one unless size is set', () => {
    const folder = writeTree(tempFolder(), { 'a/first.png': flatPng(4, 4, 9), 'b/wide.png': flatPng(5, 4, 9) });
    const error = errorOf(() => readImageFolder(folder));
    expect(isFedtuneError(error, 'DataError')).toBe(true);
    expect(error.message).toContain(`${join(folder, 'b', 'wide.png')} is 4 × 5 pixels (rows × columns)`);
    expect(error.message).toContain(`${join(folder, 'a', 'first.png')}, the first image, is 4 × 4`);
    expect(error.message).toContain('set size: [rows, cols]');

    const { images } = readImageFolder(folder, { size: [3, 2] });
    expect({ rows: images.rows, cols: images.cols, pixels: [...images.pixels] }).toEqual({ rows: 3, cols: 2, pixels: new Array<number>(12).fill(9) });
  });

  it('resizes bilinearly with half-pixel centres', () => {
    // Output pixel i samples at (i + 0.5)·2/3 − 0.5: 0, 0.5 and 1 after clamping, so corners stay,
    // edge centres are the mean of two pixels and the centre the mean of four.
    const folder = oneImageFolder(pngOf(2, 2, GREY, [0, 100, 200, 60]), 2, 2);
    expect(firstImage(folder, [3, 3])).toEqual([0, 50, 100, 100, 90, 80, 200, 130, 60]);
  });

  it('refuses a folder with no class folders, naming loose images', () => {
    const folder = writeTree(tempFolder(), { '1.png': flatPng(2, 2, 0), '2.png': flatPng(2, 2, 0) });
    const error = errorOf(() => readImageFolder(folder));
    expect(isFedtuneError(error, 'DataError')).toBe(true);
    expect(error.message).toBe(
      `${folder} has no class folders (its 2 images lie directly in it); put each class's images in a subfolder ` +
        'named after the class, e.g. cat/001.png and dog/001.png.',
    );
  });

  it('refuses a single class', () => {
    const folder = writeTree(tempFolder(), { 'cats/1.png': flatPng(2, 2, 0) });
    expect(errorOf(() => readImageFolder(folder)).message).toContain('has one class folder, "cats"; a classifier needs at least 2 classes');
  });

  it('refuses a class folder without images', () => {
    const folder = writeTree(tempFolder(), { 'a/1.png': flatPng(2, 2, 0), 'b/notes.txt': 'no images here' });
    const error = errorOf(() => readImageFolder(folder));
    expect(isFedtuneError(error, 'DataError')).toBe(true);
    expect(error.message).toBe(`${join(folder, 'b')} holds no .png, .jpg or .jpeg image; add images of class "b", or remove the folder.`);
  });

  it('reads 256 classes, labels 0 to 255, and refuses 257', () => {
    const image = flatPng(1, 1, 7);
    const files = Object.fromEntries(Array.from({ length: 256 }, (_, i) => [`c${String(i).padStart(3, '0')}/x.png`, image]));
    const folder = writeTree(tempFolder(), files);
    const { images } = readImageFolder(folder);
    expect({ numClasses: images.numClasses, last: images.labels[255] }).toEqual({ numClasses: 256, last: 255 });

    writeTree(folder, { 'c256/x.png': image });
    expect(errorOf(() => readImageFolder(folder)).message).toContain('has 257 class folders; labels are bytes, so at most 256 classes');
  });

  it('refuses a missing folder', () => {
    const folder = join(tempFolder(), 'absent');
    const error = errorOf(() => readImageFolder(folder));
    expect(isFedtuneError(error, 'DataError')).toBe(true);
    expect(error.message).toBe(`${folder} does not exist; name a folder holding one subfolder of images per class.`);
  });

  it('refuses more images than limits.maxImages before reading any', () => {
    // The fourth image is not an image at all: the count is refused before any file is read.
    const folder = writeTree(tempFolder(), { 'a/1.png': flatPng(2, 2, 0), 'a/2.png': flatPng(2, 2, 0), 'b/1.png': flatPng(2, 2, 0), 'b/2.png': 'junk' });
    expect(errorOf(() => readImageFolder(folder, { limits: { maxImages: 3 } })).message).toBe(
      `${folder} holds more than 3 images, the limit; read a smaller folder, or raise limits.maxImages.`,
    );
    // At the limit, reading starts and reaches the file that is not an image.
    expect(errorOf(() => readImageFolder(folder, { limits: { maxImages: 4 } })).message).toContain('is neither a PNG nor a JPEG image');
  });

  it('refuses a result over limits.maxTotalPixels before allocating it', () => {
    const folder = writeTree(tempFolder(), { 'a/1.png': flatPng(2, 2, 0), 'b/1.png': flatPng(2, 2, 0) });
    expect(errorOf(() => readImageFolder(folder, { size: [10, 10], limits: { maxTotalPixels: 199 } })).message).toContain(
      '2 images of 10 × 10 pixels (set by size) make 200 pixels, over the limit of 199',
    );
    expect(readImageFolder(folder, { size: [10, 10], limits: { maxTotalPixels: 200 } }).images.pixels.length).toBe(200);
  });

  it('refuses a size or limit that is not a positive whole number', () => {
    const folder = oneImageFolder(flatPng(2, 2, 0), 2, 2);
    for (const size of [[0, 28], [28.5, 28], [28, Number.NaN]] as [number, number][]) {
      const error = errorOf(() => readImageFolder(folder, { size }));
      expect(isFedtuneError(error, 'ConfigError')).toBe(true);
      expect(error.message).toContain('size is [');
    }
    expect(errorOf(() => readImageFolder(folder, { limits: { maxPixels: -1 } })).message).toBe('limits.maxPixels is -1; give positive whole numbers.');
  });
});
