import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DataError, ShapeError } from '../errors.js';

/** An IDX array of unsigned bytes: its dimensions (outermost first) and row-major data. */
export interface IdxArray {
  dims: readonly number[];
  data: Uint8Array;
}

/** Options for decoding an IDX file. */
export interface IdxReadOptions {
  /**
   * Largest decoded size accepted, in bytes (default 1 GiB, far above Fashion-MNIST's 47 MB), so
   * a corrupt header or a gzip bomb fails cleanly instead of exhausting memory.
   */
  maxBytes?: number;
}

/** Options for encoding an IDX file. */
export interface IdxWriteOptions {
  /** Gzip the output (default true), as the original MNIST-family files are. */
  gzip?: boolean;
  /** zlib compression level 0–9 (default 9); a fixed level keeps the output byte-reproducible. */
  level?: number;
}

/** The IDX type code for unsigned bytes, the only element type MNIST-family image sets use. */
const UNSIGNED_BYTE = 0x08;
const DEFAULT_MAX_BYTES = 2 ** 30;
const GZIP_MAGIC = [0x1f, 0x8b] as const;
/** Offset of the gzip header's OS byte, which zlib sets to the platform it was built for. */
const GZIP_OS_OFFSET = 9;
const GZIP_OS_UNIX = 3;

const REPLACE_HINT = 'Replace it with an intact copy of the file.';

/** True when `bytes` starts with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/**
 * Decodes an IDX array of unsigned bytes, gunzipping first when the bytes are gzipped (detected by
 * magic number, not by file name). `file` names the source in error messages.
 *
 * @throws DataError when the bytes are not valid gzip, the magic is wrong, the element type is not
 *   unsigned byte, or the data length differs from the product of the dimensions.
 */
export function decodeIdx(bytes: Uint8Array, file: string, options: IdxReadOptions = {}): IdxArray {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const raw = plainBytes(isGzip(bytes) ? gunzip(bytes, file, maxBytes) : bytes);
  if (raw.length > maxBytes) throw tooLarge(file, maxBytes);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (raw.length < 4) {
    throw new DataError(`${file}: truncated: ${raw.length} bytes, shorter than the 4-byte IDX magic. ${REPLACE_HINT}`);
  }
  if (raw[0] !== 0 || raw[1] !== 0) {
    throw new DataError(
      `${file}: not an IDX file: magic starts ${hex(raw.subarray(0, 4))}, expected 00 00 08 <dims>. ` + REPLACE_HINT,
    );
  }
  if (raw[2] !== UNSIGNED_BYTE) {
    throw new DataError(
      `${file}: IDX element type 0x${hex(raw.subarray(2, 3))} is not supported; only unsigned ` +
        'bytes (0x08) are. Convert the file to unsigned bytes.',
    );
  }
  const rank = raw[3] as number;
  if (rank === 0) {
    throw new DataError(`${file}: IDX header declares 0 dimensions. ${REPLACE_HINT}`);
  }
  const headerBytes = 4 + 4 * rank;
  if (raw.length < headerBytes) {
    throw new DataError(
      `${file}: truncated: ${raw.length} bytes, shorter than the ${headerBytes}-byte header of ` +
        `a ${rank}-dimensional IDX array. ${REPLACE_HINT}`,
    );
  }
  const dims = Array.from({ length: rank }, (_, d) => view.getUint32(4 + 4 * d, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = raw.length - headerBytes;
  if (actual !== expected) {
    const problem =
      actual < expected
        ? `truncated: dimensions ${dims.join('×')} need ${expected} data bytes, the file holds ${actual}`
        : `${actual - expected} bytes of trailing data after the ${expected} data bytes that ` +
          `dimensions ${dims.join('×')} declare`;
    throw new DataError(`${file}: ${problem}. ${REPLACE_HINT}`);
  }
  return { dims, data: raw.subarray(headerBytes) };
}

/**
 * Encodes an IDX array of unsigned bytes, gzipped by default. The output depends only on the
 * input and options: zlib writes no timestamp and the OS byte is pinned.
 *
 * @throws ShapeError when the data length is not the product of the dimensions.
 */
export function encodeIdx(array: IdxArray, options: IdxWriteOptions = {}): Uint8Array {
  const { dims, data } = array;
  if (dims.length < 1 || dims.length > 255) {
    throw new ShapeError(`IDX arrays have 1 to 255 dimensions; got ${dims.length}.`);
  }
  for (const dim of dims) {
    if (!Number.isInteger(dim) || dim < 0 || dim > 0xffffffff) {
      throw new ShapeError(`IDX dimension ${dim} is not an integer in [0, 2^32); fix the dims.`);
    }
  }
  const expected = dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) {
    throw new ShapeError(`IDX data holds ${data.length} bytes but dimensions ${dims.join('×')} need ${expected}.`);
  }
  const headerBytes = 4 + 4 * dims.length;
  const raw = new Uint8Array(headerBytes + data.length);
  const view = new DataView(raw.buffer);
  raw[2] = UNSIGNED_BYTE;
  raw[3] = dims.length;
  dims.forEach((dim, d) => view.setUint32(4 + 4 * d, dim, false));
  raw.set(data, headerBytes);
  if (options.gzip === false) return raw;
  const zipped = plainBytes(gzipSync(raw, { level: options.level ?? 9 }));
  zipped[GZIP_OS_OFFSET] = GZIP_OS_UNIX;
  return zipped;
}

/** Reads and decodes an IDX file (gzipped or not); errors name `path`. */
export function readIdxFile(path: string, options: IdxReadOptions = {}): IdxArray {
  return decodeIdx(readFileSync(path), path, options);
}

/** Encodes `array` (see {@link encodeIdx}) and writes it to `path`. */
export function writeIdxFile(path: string, array: IdxArray, options: IdxWriteOptions = {}): void {
  writeFileSync(path, encodeIdx(array, options));
}

function gunzip(bytes: Uint8Array, file: string, maxBytes: number): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    if (error instanceof RangeError) throw tooLarge(file, maxBytes, error);
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataError(`${file}: corrupt gzip data (${reason}). ${REPLACE_HINT}`, {
      cause: error,
    });
  }
}

function tooLarge(file: string, maxBytes: number, cause?: unknown): DataError {
  return new DataError(
    `${file}: larger than the ${maxBytes}-byte limit for decoded IDX files. ` +
      'Raise the maxBytes option if the file is really this large.',
    { cause },
  );
}

/** A plain `Uint8Array` view of the same memory, so callers never see Node `Buffer`s. */
function plainBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
