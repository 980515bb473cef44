import { crc32, inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { unreadableImage, type ImageHeader } from './imageHeader.js';
import { lumaOverBlack } from './imageLuma.js';

type PngHeader = Extract<ImageHeader, { format: 'PNG' }>;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Length, type, then the CRC after the data. */
const CHUNK_OVERHEAD = 12;
const IHDR_LENGTH = 13;
/** Each PNG colour type's samples per pixel and the bit depths the specification allows it. */
const COLOUR_TYPES: Readonly<Record<number, { channels: number; bitDepths: readonly number[] }>> = {
  0: { channels: 1, bitDepths: [1, 2, 4, 8, 16] }, // grey
  2: { channels: 3, bitDepths: [8, 16] }, // RGB
  3: { channels: 1, bitDepths: [1, 2, 4, 8] }, // palette
  4: { channels: 2, bitDepths: [8, 16] }, // grey + alpha
  6: { channels: 4, bitDepths: [8, 16] }, // RGBA
};

/** Whether `bytes` start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((byte, i) => bytes[i] === byte);
}

interface PngChunk {
  type: string;
  data: Uint8Array;
}

/**
 * The file's chunks up to `IEND`, each checked to lie within the file and against its CRC (the
 * decoder reports a bad CRC as trailing content). The header must come first and only once: the
 * decoder would otherwise size its buffers from a later, unchecked one.
 */
function* pngChunks(bytes: Uint8Array, path: string): Generator<PngChunk> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = PNG_SIGNATURE.length; ; ) {
    if (offset + CHUNK_OVERHEAD > bytes.length) throw unreadableImage(path, 'PNG', 'it ends before its IEND chunk');
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const end = offset + CHUNK_OVERHEAD + length;
    if (end > bytes.length) throw unreadableImage(path, 'PNG', `its ${JSON.stringify(type)} chunk runs past the end of the file`);
    if (crc32(bytes.subarray(offset + 4, end - 4)) !== view.getUint32(end - 4)) {
      throw unreadableImage(path, 'PNG', `its ${JSON.stringify(type)} chunk fails its CRC check`);
    }
    const first = offset === PNG_SIGNATURE.length;
    if (first && type !== 'IHDR') throw unreadableImage(path, 'PNG', `its first chunk is ${JSON.stringify(type)}, not IHDR`);
    if (!first && type === 'IHDR') throw unreadableImage(path, 'PNG', 'it has a second IHDR chunk');
    yield { type, data: bytes.subarray(offset + 8, end - 4) };
    if (type === 'IEND') return;
    offset = end;
  }
}

/** The IHDR chunk's data, after checking every chunk of the file is well placed. */
function headerChunk(bytes: Uint8Array, path: string): Uint8Array {
  let ihdr: Uint8Array | undefined;
  for (const chunk of pngChunks(bytes, path)) ihdr ??= chunk.data;
  return ihdr!;
}

/**
 * The size and sample format the PNG's IHDR chunk declares, read without decoding anything.
 * @throws DataError naming `path` when the chunks are cut short, overrun the file or the header is malformed.
 */
export function readPngHeader(bytes: Uint8Array, path: string): PngHeader {
  const ihdr = headerChunk(bytes, path);
  if (ihdr.length !== IHDR_LENGTH) throw unreadableImage(path, 'PNG', `its IHDR chunk is ${ihdr.length} bytes, not ${IHDR_LENGTH}`);
  const view = new DataView(ihdr.buffer, ihdr.byteOffset, ihdr.byteLength);
  const [width, height] = [view.getUint32(0), view.getUint32(4)];
  const [bitDepth, colorType, interlace] = [ihdr[8]!, ihdr[9]!, ihdr[12]!];
  if (width === 0 || height === 0) throw unreadableImage(path, 'PNG', `it declares a ${width}×${height} image`);
  const colourType = COLOUR_TYPES[colorType];
  if (colourType === undefined) throw unreadableImage(path, 'PNG', `colour type ${colorType} is not a PNG colour type`);
  // Checked here, not left to the decoder, because the bound on interlaced data is computed from it.
  if (!colourType.bitDepths.includes(bitDepth)) {
    throw unreadableImage(path, 'PNG', `bit depth ${bitDepth} is not allowed for colour type ${colorType}`);
  }
  return { format: 'PNG', width, height, bitDepth, colorType, interlaced: interlace === 1 };
}

/**
 * Grey levels (see {@link lumaOverBlack}) of the PNG whose header is `header`, 16-bit samples
 * scaled to 8 bits.
 * @throws DataError naming `path` when the pixel data is corrupt or inflates past the declared size.
 */
export function decodePngLuma(bytes: Uint8Array, header: PngHeader, path: string): Float32Array {
  if (header.interlaced) assertInterlacedDataFits(bytes, header, path);
  const sixteenBit = header.bitDepth === 16;
  let decoded: { data: ArrayLike<number> };
  try {
    // Left unscaled, 16-bit samples keep their precision until the grey level is rounded.
    decoded = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { skipRescale: sixteenBit });
  } catch (error) {
    throw unreadableImage(path, 'PNG', (error as Error).message);
  }
  return lumaOverBlack(decoded.data, header.width * header.height, sixteenBit ? 65535 : 255);
}

/**
 * The decoder inflates a non-interlaced image's data into a buffer of the size its header declares,
 * but an interlaced one's without any bound, so a few kilobytes could inflate to gigabytes. Inflating
 * it here first, capped at what the declared size can hold, refuses such a file.
 */
function assertInterlacedDataFits(bytes: Uint8Array, header: PngHeader, path: string): void {
  const pixelData: Uint8Array[] = [];
  for (const chunk of pngChunks(bytes, path)) if (chunk.type === 'IDAT') pixelData.push(chunk.data);
  try {
    inflateSync(Buffer.concat(pixelData), { maxOutputLength: interlacedDataBound(header) });
  } catch (error) {
    const tooLarge = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw unreadableImage(path, 'PNG', tooLarge ? 'its pixel data inflates past the size its header declares' : (error as Error).message);
  }
}

/**
 * The most bytes an Adam7-interlaced image's filtered rows take. The seven passes hold each pixel
 * once, and have at most 15/8·height + 7 rows in all (one per 8, 8, 8, 4, 4, 2 and 2 rows, each
 * rounded up); every row adds a filter byte and at most one byte of rounding up to whole bytes.
 */
function interlacedDataBound({ width, height, bitDepth, colorType }: PngHeader): number {
  const bitsPerPixel = COLOUR_TYPES[colorType]!.channels * bitDepth;
  return Math.ceil((width * height * bitsPerPixel) / 8) + 2 * (2 * height + 7);
}
