import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG, type ColorType } from 'pngjs';

/** PNG colour types, as the IHDR chunk stores them. */
export const GREY = 0;
export const RGB = 2;
export const GREY_ALPHA = 4;
export const RGBA = 6;
const CHANNELS: Record<number, number> = { [GREY]: 1, [RGB]: 3, [GREY_ALPHA]: 2, [RGBA]: 4 };

/** A new empty folder under the system's temporary folder. */
export function tempFolder(): string {
  return mkdtempSync(join(tmpdir(), 'fedtune-images-'));
}

/** Writes each `relative path → contents` under `root`, making folders as needed; returns `root`. */
export function writeTree(root: string, files: Record<string, Uint8Array | string>): string {
  for (const [relative, contents] of Object.entries(files)) {
    const path = join(root, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, contents);
  }
  return root;
}

/** A PNG encoded by pngjs from samples in the layout of `colorType` (1 to 4 per pixel). */
export function pngOf(width: number, height: number, colorType: ColorType, samples: readonly number[]): Uint8Array {
  if (samples.length !== width * height * CHANNELS[colorType]!) throw new Error('sample count does not match the size');
  const png = { width, height, data: Buffer.from(samples) };
  return PNG.sync.write(png as PNG, { colorType, inputColorType: colorType, inputHasAlpha: colorType === RGBA || colorType === GREY_ALPHA });
}

/** A 16-bit RGBA PNG encoded by pngjs from 16-bit samples. */
export function rgba16PngOf(width: number, height: number, samples: readonly number[]): Uint8Array {
  const data = Buffer.from(new Uint16Array(samples).buffer);
  return PNG.sync.write({ width, height, data } as PNG, { colorType: RGBA, inputColorType: RGBA, bitDepth: 16 });
}

/** A uniform grey 8-bit PNG. */
export function flatPng(width: number, height: number, grey: number): Uint8Array {
  return pngOf(width, height, GREY, new Array<number>(width * height).fill(grey));
}

/** A JPEG encoded by jpeg-js from RGBA samples (alpha unused). */
export function jpegOf(width: number, height: number, rgba: readonly number[], quality: number): Uint8Array {
  return jpeg.encode({ width, height, data: Buffer.from(rgba) }, quality).data;
}

/** A PNG file of the given chunks after the signature, each with its correct CRC. */
export function pngFromChunks(chunks: readonly { type: string; data: Uint8Array }[]): Uint8Array {
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
  for (const { type, data } of chunks) {
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    parts.push(length, typed, crc);
  }
  return Buffer.concat(parts);
}

/** An IHDR chunk's data: the size, then bit depth, colour type, compression, filter and interlace method. */
export function ihdr(width: number, height: number, options: { bitDepth?: number; colorType?: number; interlaced?: boolean } = {}): Uint8Array {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = options.bitDepth ?? 8;
  data[9] = options.colorType ?? GREY;
  data[12] = options.interlaced === true ? 1 : 0;
  return data;
}

/** Adam7's passes: first column and row, then the step between columns and between rows. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/**
 * The filtered rows of an Adam7-interlaced 8-bit grey image (pngjs writes no interlaced PNGs):
 * each pass's rows, each row a filter byte (0, none) and its pixels.
 */
export function adam7GreyRows(width: number, height: number, grey: readonly number[]): Uint8Array {
  const bytes: number[] = [];
  for (const [x0, y0, dx, dy] of ADAM7) {
    if (x0 >= width) continue;
    for (let y = y0; y < height; y += dy) {
      bytes.push(0);
      for (let x = x0; x < width; x += dx) bytes.push(grey[y * width + x]!);
    }
  }
  return Uint8Array.from(bytes);
}

/** An interlaced 8-bit grey PNG whose pixel data inflates to `rows` (see {@link adam7GreyRows}). */
export function interlacedGreyPng(width: number, height: number, rows: Uint8Array): Uint8Array {
  return pngFromChunks([
    { type: 'IHDR', data: ihdr(width, height, { interlaced: true }) },
    { type: 'IDAT', data: deflateSync(rows) },
    { type: 'IEND', data: new Uint8Array(0) },
  ]);
}
