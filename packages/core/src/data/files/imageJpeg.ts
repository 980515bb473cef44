import jpeg from 'jpeg-js';
import { unreadableImage, type ImageHeader } from './imageHeader.js';
import { lumaOverBlack } from './imageLuma.js';

type JpegHeader = Extract<ImageHeader, { format: 'JPEG' }>;

const MARKER = 0xff;
const START_OF_SCAN = 0xda;
const END_OF_IMAGE = 0xd9;
/** The start-of-frame markers the decoder reads: baseline, extended and progressive DCT. */
const DECODED_FRAMES = new Set([0xc0, 0xc1, 0xc2]);
/** The decoder's memory limit for one decode (jpeg-js's own default), on top of the pixel limit checked first. */
const DECODER_MEMORY_MB = 512;

/** Whether `bytes` start with a JPEG start-of-image marker. */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === MARKER && bytes[1] === 0xd8 && bytes[2] === MARKER;
}

/** A start-of-frame marker: C0–CF except DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Markers with no length after them: TEM and the restart markers. */
function standsAlone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
}

/**
 * The size the JPEG's frame header (SOF marker) declares, found by walking the marker segments
 * before the image data, without decoding anything.
 * @throws DataError naming `path` when no frame header comes before the image data, the segments
 *   overrun the file, or the frame is of a kind the decoder does not read (lossless, arithmetic coding).
 */
export function readJpegHeader(bytes: Uint8Array, path: string): JpegHeader {
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== MARKER) throw unreadableImage(path, 'JPEG', `byte ${offset} should start a marker`);
    const marker = bytes[offset + 1]!;
    if (marker === MARKER) {
      offset += 1; // a fill byte before the marker
    } else if (standsAlone(marker)) {
      offset += 2;
    } else if (marker === START_OF_SCAN || marker === END_OF_IMAGE) {
      throw unreadableImage(path, 'JPEG', 'its image data starts before any frame header');
    } else if (isStartOfFrame(marker)) {
      return frameSize(bytes, offset, marker, path);
    } else {
      const length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
      if (length < 2) throw unreadableImage(path, 'JPEG', `the segment at byte ${offset} has length ${length}`);
      offset += 2 + length;
    }
  }
  throw unreadableImage(path, 'JPEG', 'it ends before its frame header');
}

function frameSize(bytes: Uint8Array, offset: number, marker: number, path: string): JpegHeader {
  if (!DECODED_FRAMES.has(marker)) {
    throw unreadableImage(
      path,
      'JPEG',
      `frame type 0x${marker.toString(16).toUpperCase()} (lossless or arithmetic-coded) cannot be decoded; save it as a baseline or progressive JPEG, or as PNG`,
    );
  }
  // Marker (2), length (2), precision (1), then the number of lines and of samples per line.
  if (offset + 9 > bytes.length) throw unreadableImage(path, 'JPEG', 'it ends inside its frame header');
  const height = (bytes[offset + 5]! << 8) | bytes[offset + 6]!;
  const width = (bytes[offset + 7]! << 8) | bytes[offset + 8]!;
  if (width === 0 || height === 0) {
    throw unreadableImage(path, 'JPEG', `its frame header declares ${width}×${height} (a height defined later, by a DNL marker, is not supported)`);
  }
  return { format: 'JPEG', width, height };
}

/**
 * Grey levels (see {@link lumaOverBlack}) of the JPEG whose header is `header`. The decoder is
 * strict (corrupt data is an error, not grey blocks) and refuses a frame over `maxPixels` itself too,
 * which covers a file with a second, larger frame header than the one checked.
 * @throws DataError naming `path` when the data is corrupt or decodes to another size than declared.
 */
export function decodeJpegLuma(bytes: Uint8Array, header: JpegHeader, path: string, maxPixels: number): Float32Array {
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      tolerantDecoding: false,
      maxResolutionInMP: maxPixels / 1e6,
      maxMemoryUsageInMB: DECODER_MEMORY_MB,
    });
  } catch (error) {
    throw unreadableImage(path, 'JPEG', (error as Error).message);
  }
  if (decoded.width !== header.width || decoded.height !== header.height) {
    throw unreadableImage(path, 'JPEG', `it decodes to ${decoded.width}×${decoded.height} but declares ${header.width}×${header.height}`);
  }
  return lumaOverBlack(decoded.data, header.width * header.height, 255);
}
