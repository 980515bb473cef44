import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readImageFolder } from '../../../src/data/files/index.js';
import { isFedtuneError } from '../../../src/errors.js';
import {
  adam7GreyRows,
  flatPng,
  ihdr,
  interlacedGreyPng,
  jpegOf,
  pngFromChunks,
  tempFolder,
  writeTree,
} from './imageFixtures.js';

/** The DataError reading a folder of `a/<name>` and a small valid `b/ok.png` throws; fails the test otherwise. */
function dataErrorFor(name: string, contents: Uint8Array | string, limits = {}): { error: Error; path: string } {
  const folder = writeTree(tempFolder(), { [`a/${name}`]: contents, 'b/ok.png': flatPng(2, 2, 0) });
  try {
    readImageFolder(folder, { limits });
  } catch (error) {
    expect(isFedtuneError(error, 'DataError')).toBe(true);
    return { error: error as Error, path: join(folder, 'a', name) };
  }
  throw new Error(`reading ${name} did not fail`);
}

/** Where a baseline JPEG's frame header (SOF0 segment) ends, to splice another after it. */
function afterSof0(file: Uint8Array): number {
  for (let i = 2; i + 3 < file.length; i++) {
    if (file[i] === 0xff && file[i + 1] === 0xc0) return i + 2 + ((file[i + 2]! << 8) | file[i + 3]!);
  }
  throw new Error('no SOF0 marker');
}

/** An SOF0 segment declaring `width × height` with one component. */
function sof0(width: number, height: number): Uint8Array {
  return Uint8Array.from([0xff, 0xc0, 0, 11, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
}

const SMALL_JPEG = jpegOf(8, 8, new Array<number>(8 * 8 * 4).fill(90), 90);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('readImageFolder on hostile files', () => {
  it('refuses a tiny PNG declaring 60000×60000 from its header, before decoding', () => {
    const file = pngFromChunks([
      { type: 'IHDR', data: ihdr(60000, 60000) },
      { type: 'IEND', data: new Uint8Array(0) },
    ]);
    expect(file.length).toBeLessThan(100);
    const decode = vi.spyOn(PNG.sync, 'read');
    const { error, path } = dataErrorFor('huge.png', file);
    expect(error.message).toBe(
      `${path} declares a 60000×60000 PNG image (3600000000 pixels), over the limit of 16777216 pixels per image; ` +
        'shrink the image, or raise limits.maxPixels if it is genuine.',
    );
    expect(decode).not.toHaveBeenCalled();
  });

  it('refuses a tiny JPEG declaring 60000×60000 from its frame header, before decoding', () => {
    const file = Uint8Array.from([0xff, 0xd8, ...sof0(60000, 60000), 0xff, 0xd9]);
    const decode = vi.spyOn(jpeg, 'decode');
    const { error, path } = dataErrorFor('huge.jpg', file);
    expect(error.message).toContain(`${path} declares a 60000×60000 JPEG image (3600000000 pixels), over the limit`);
    expect(decode).not.toHaveBeenCalled();
  });

  it('refuses a JPEG whose second frame header declares more than the pixel limit', () => {
    // The header check reads the first frame (8×8); the decoder is given the same limit for any later one.
    const at = afterSof0(SMALL_JPEG);
    const file = Uint8Array.from([...SMALL_JPEG.subarray(0, at), ...sof0(20, 20), ...SMALL_JPEG.subarray(at)]);
    expect(dataErrorFor('twice.jpg', file, { maxPixels: 100 }).error.message).toContain('maxResolutionInMP limit exceeded');
  });

  it('refuses a PNG with a second, larger IHDR chunk', () => {
    const file = pngFromChunks([
      { type: 'IHDR', data: ihdr(2, 2) },
      { type: 'IHDR', data: ihdr(60000, 60000) },
      { type: 'IEND', data: new Uint8Array(0) },
    ]);
    const { error, path } = dataErrorFor('twice.png', file);
    expect(error.message).toBe(
      `${path} is not a readable PNG image (it has a second IHDR chunk); the file is corrupt or truncated: ` +
        'export it again, or move it out of the class folder.',
    );
  });

  it('refuses an interlaced PNG whose data inflates past its declared size', () => {
    // 4×4 grey interlaced rows take 4·4 pixel bytes and 15 filter bytes at most; a megabyte of zeros is a bomb.
    const file = interlacedGreyPng(4, 4, new Uint8Array(2 ** 20));
    expect(file.length).toBeLessThan(2000);
    expect(dataErrorFor('bomb.png', file).error.message).toContain('its pixel data inflates past the size its header declares');
  });

  it('refuses a PNG header with a bit depth its colour type does not allow', () => {
    const file = pngFromChunks([
      { type: 'IHDR', data: ihdr(4, 4, { bitDepth: 255, interlaced: true }) },
      { type: 'IEND', data: new Uint8Array(0) },
    ]);
    expect(dataErrorFor('deep.png', file).error.message).toContain('(bit depth 255 is not allowed for colour type 0)');
  });

  it('decodes interlaced PNGs of sizes that leave passes short or empty', () => {
    for (const [width, height] of [[1, 1], [3, 2], [5, 9], [9, 5], [17, 3]] as const) {
      const grey = Array.from({ length: width * height }, (_, i) => (i * 37) % 256);
      const folder = writeTree(tempFolder(), {
        'a/interlaced.png': interlacedGreyPng(width, height, adam7GreyRows(width, height, grey)),
        'b/flat.png': flatPng(width, height, 0),
      });
      const { images } = readImageFolder(folder);
      expect([...images.pixels.subarray(0, width * height)]).toEqual(grey);
    }
  });

  it('refuses truncated PNGs and JPEGs, naming the file', () => {
    const png = flatPng(16, 16, 77);
    const truncatedPng = dataErrorFor('cut.png', png.subarray(0, png.length - 20));
    expect(truncatedPng.error.message).toMatch(new RegExp(`^${escape(truncatedPng.path)} is not a readable PNG image \\(.+\\); the file is corrupt or truncated`));

    for (const keep of [0.6, 0.97]) {
      const cut = dataErrorFor('cut.jpg', SMALL_JPEG.subarray(0, Math.floor(SMALL_JPEG.length * keep)));
      expect(cut.error.message).toMatch(new RegExp(`^${escape(cut.path)} is not a readable JPEG image \\(.+\\); the file is corrupt or truncated`));
    }
    expect(dataErrorFor('header.jpg', SMALL_JPEG.subarray(0, 12)).error.message).toContain('(it ends before its frame header)');
  });

  it('refuses a PNG whose data fails its checksum', () => {
    const png = Uint8Array.from(flatPng(8, 8, 77));
    png[Buffer.from(png).indexOf('IDAT') + 6]! ^= 0xff;
    expect(dataErrorFor('flipped.png', png).error.message).toContain('is not a readable PNG image (its "IDAT" chunk fails its CRC check)');
  });

  it('refuses a file named .png that is not an image', () => {
    const { error, path } = dataErrorFor('notes.png', 'just some text, not an image');
    expect(error.message).toBe(
      `${path} is neither a PNG nor a JPEG image (its first bytes are neither signature); convert it to PNG or JPEG, ` +
        'or move it out of the class folder.',
    );
  });

  it('refuses JPEG frame types the decoder cannot read', () => {
    const lossless = Uint8Array.from([0xff, 0xd8, 0xff, 0xc3, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0, 0xff, 0xd9]);
    expect(dataErrorFor('lossless.jpg', lossless).error.message).toContain('frame type 0xC3 (lossless or arithmetic-coded) cannot be decoded');
  });

  it('refuses a file over limits.maxFileBytes before reading it', () => {
    const png = flatPng(64, 64, 1);
    const { error, path } = dataErrorFor('big.png', png, { maxFileBytes: png.length - 1 });
    expect(error.message).toContain(`${path} is ${png.length} bytes, over the ${png.length - 1}-byte limit for a PNG or JPEG image`);
  });

  it.runIf(process.platform !== 'win32' && existsSync('/dev/zero'))('refuses a link to a device named like an image', () => {
    const folder = writeTree(tempFolder(), { 'b/ok.png': flatPng(2, 2, 0), 'a/.keep': '' });
    symlinkSync('/dev/zero', join(folder, 'a', 'zero.png'));
    expect(() => readImageFolder(folder)).toThrow(/zero\.png \(a link to \/dev\/zero\) is a character device, not a regular file/);
  });
});

/** `text` with the characters regular expressions treat specially escaped. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
