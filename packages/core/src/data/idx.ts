import { writeFileSync } from 'node:fs';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { DataError, ShapeError } from '../errors.js';
import {
  decodedLimit,
  decodePlainIdx,
  DEFAULT_MAX_IDX_BYTES,
  isGzip,
  pastDeclaredSize,
  plainBytes,
  readIdxHeader,
  REPLACE_HINT,
  tooLarge,
  type IdxArray,
  type IdxHeader,
  type IdxReadOptions,
  UNSIGNED_BYTE,
} from './idxDecode.js';
import { readDataFile } from './readDataFile.js';

export { decodeIdxBytes, isGzip, type IdxArray, type IdxReadOptions } from './idxDecode.js';

/** Options for encoding an IDX file. */
export interface IdxWriteOptions {
  /** Gzip the output (default true), as the original MNIST-family files are. */
  gzip?: boolean;
  /** zlib compression level 0–9 (default 9); a fixed level keeps the output byte-reproducible. */
  level?: number;
}

/** Offset of the gzip header's OS byte, which zlib sets to the platform it was built for. */
const GZIP_OS_OFFSET = 9;
const GZIP_OS_UNIX = 3;
/**
 * Compressed bytes inflated first to read the IDX header: any gzip writer's header and the first
 * kilobyte of output fit, and deflate's 1032:1 ratio bounds what they inflate to (about 4 MB).
 */
const HEADER_PREFIX_BYTES = 4096;

/**
 * Decodes an IDX array of unsigned bytes, gunzipping first when the bytes are gzipped (detected by
 * magic number, not by file name). `file` names the source in error messages.
 *
 * @throws DataError when the bytes are not valid gzip, the magic is wrong, the element type is not
 *   unsigned byte, or the data length differs from the product of the dimensions.
 */
export function decodeIdx(bytes: Uint8Array, file: string, options: IdxReadOptions = {}): IdxArray {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IDX_BYTES;
  return decodePlainIdx(isGzip(bytes) ? gunzip(bytes, file, maxBytes) : bytes, file, maxBytes);
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

/**
 * Reads and decodes an IDX file (gzipped or not); errors name `path`. The file must be a regular
 * file (links followed) of at most `maxBytes`, which is checked before it is read.
 */
export function readIdxFile(path: string, options: IdxReadOptions = {}): IdxArray {
  return decodeIdx(readDataFile(path, 'an IDX data file', options.maxBytes ?? DEFAULT_MAX_IDX_BYTES), path, options);
}

/** Encodes `array` (see {@link encodeIdx}) and writes it to `path`. */
export function writeIdxFile(path: string, array: IdxArray, options: IdxWriteOptions = {}): void {
  writeFileSync(path, encodeIdx(array, options));
}

/**
 * Gunzips an IDX file, stopping at the size its header declares: the header is read from the
 * inflated start of the data, so a gzip bomb costs at most its declared size (within `maxBytes`).
 */
function gunzip(bytes: Uint8Array, file: string, maxBytes: number): Uint8Array {
  const header = gunzipHeader(bytes, file);
  const limit = header === undefined ? maxBytes : decodedLimit(header, file, maxBytes);
  try {
    return gunzipSync(bytes, { maxOutputLength: limit });
  } catch (error) {
    if (!(error instanceof RangeError)) throw corrupt(file, error);
    throw header === undefined ? tooLarge(file, maxBytes, error) : pastDeclaredSize(file, header);
  }
}

/**
 * The IDX header of gzipped `bytes`, from the inflated start of the data; `undefined` when the
 * whole file inflates to less than a header, which decoding then reports as truncated.
 * @throws DataError when the header is wrong, or the start of the data holds none (no IDX file is
 *   written that way).
 */
function gunzipHeader(bytes: Uint8Array, file: string): IdxHeader | undefined {
  const whole = bytes.length <= HEADER_PREFIX_BYTES;
  let start: Uint8Array;
  try {
    // A sync flush returns what the prefix inflates to instead of failing at its cut-off end.
    start = gunzipSync(bytes.subarray(0, HEADER_PREFIX_BYTES), { finishFlush: constants.Z_SYNC_FLUSH });
  } catch (error) {
    throw corrupt(file, error);
  }
  const header = start.length < 4 ? undefined : readIdxHeader(start, file);
  if (header === undefined && !whole) {
    throw new DataError(
      `${file}: the first ${HEADER_PREFIX_BYTES} bytes of gzip data inflate to no whole IDX header; ` +
        `the file is damaged or not a gzipped IDX file. ${REPLACE_HINT}`,
    );
  }
  return header;
}

function corrupt(file: string, error: unknown): DataError {
  const reason = error instanceof Error ? error.message : String(error);
  return new DataError(`${file}: corrupt gzip data (${reason}). ${REPLACE_HINT}`, { cause: error });
}
