import { DataError } from '../errors.js';

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

/** The IDX type code for unsigned bytes, the only element type MNIST-family image sets use. */
export const UNSIGNED_BYTE = 0x08;
/** Largest decoded size accepted by default. */
export const DEFAULT_MAX_IDX_BYTES = 2 ** 30;
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** The end of every message about a damaged IDX file. */
export const REPLACE_HINT = 'Replace it with an intact copy of the file.';

/** True when `bytes` starts with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/**
 * Decodes an IDX array of unsigned bytes (gzipped or not, detected by magic number), gunzipping
 * with the web platform's `DecompressionStream`, so it runs in browsers as well as in Node. `file`
 * names the source in error messages; the checks are those of `decodeIdx`.
 *
 * @throws DataError as `decodeIdx` does.
 */
export async function decodeIdxBytes(bytes: Uint8Array, file: string, options: IdxReadOptions = {}): Promise<IdxArray> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IDX_BYTES;
  return decodePlainIdx(isGzip(bytes) ? await gunzipStream(bytes, file, maxBytes) : bytes, file, maxBytes);
}

/** An IDX header: the array's dimensions and where its data starts. */
export interface IdxHeader {
  dims: number[];
  /** Bytes of the header (magic and dimensions), and so the offset of the data. */
  headerBytes: number;
  /** Bytes of the whole file as the header declares it: header and data. */
  declaredBytes: number;
}

/**
 * Reads the IDX header at the start of `raw` (at least the 4-byte magic), or `undefined` when
 * `raw` ends inside the dimensions.
 * @throws DataError when the magic is wrong, the element type is not unsigned byte, or the header
 *   declares no dimension.
 */
export function readIdxHeader(raw: Uint8Array, file: string): IdxHeader | undefined {
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
  if (raw.length < headerBytes) return undefined;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims = Array.from({ length: rank }, (_, d) => view.getUint32(4 + 4 * d, false));
  return { dims, headerBytes, declaredBytes: headerBytes + dims.reduce((a, b) => a * b, 1) };
}

/**
 * The most bytes a file with `header` may decode to: its declared size, refused outright when
 * that passes `maxBytes`, so a gzip bomb is stopped at the size its header promises.
 * @throws DataError when the declared size is over `maxBytes`.
 */
export function decodedLimit(header: IdxHeader, file: string, maxBytes: number): number {
  if (header.declaredBytes > maxBytes) throw tooLarge(file, maxBytes);
  return header.declaredBytes;
}

/** The error for gzip data that inflates past the size its IDX header declares. */
export function pastDeclaredSize(file: string, header: IdxHeader): DataError {
  return new DataError(
    `${file}: the gzip data inflates to more than the ${header.declaredBytes} bytes its IDX header declares ` +
      `(dimensions ${header.dims.join('×')}); the file is damaged or not an IDX file. ${REPLACE_HINT}`,
  );
}

/**
 * Decodes IDX bytes that are not gzipped.
 * @throws DataError when the magic is wrong, the element type is not unsigned byte, or the data
 *   length differs from the product of the dimensions.
 */
export function decodePlainIdx(bytes: Uint8Array, file: string, maxBytes: number): IdxArray {
  const raw = plainBytes(bytes);
  if (raw.length > maxBytes) throw tooLarge(file, maxBytes);
  if (raw.length < 4) {
    throw new DataError(`${file}: truncated: ${raw.length} bytes, shorter than the 4-byte IDX magic. ${REPLACE_HINT}`);
  }
  const header = readIdxHeader(raw, file);
  if (header === undefined) {
    const rank = raw[3] as number;
    throw new DataError(
      `${file}: truncated: ${raw.length} bytes, shorter than the ${4 + 4 * rank}-byte header of ` +
        `a ${rank}-dimensional IDX array. ${REPLACE_HINT}`,
    );
  }
  const { dims, headerBytes, declaredBytes } = header;
  const expected = declaredBytes - headerBytes;
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
 * Gunzips with `DecompressionStream`, giving up as soon as the output passes the size its IDX
 * header declares (or `maxBytes`, before the header is in).
 */
async function gunzipStream(bytes: Uint8Array, file: string, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  let header: IdxHeader | undefined;
  let limit = maxBytes;
  try {
    const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      chunks.push(next.value);
      length += next.value.length;
      if (header === undefined && length >= 4) {
        header = readIdxHeader(concatChunks(chunks, length), file);
        if (header !== undefined) limit = decodedLimit(header, file, maxBytes);
      }
      if (length > limit) {
        await reader.cancel();
        throw header === undefined ? tooLarge(file, maxBytes) : pastDeclaredSize(file, header);
      }
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataError(`${file}: corrupt gzip data (${reason}). ${REPLACE_HINT}`, { cause: error });
  }
  return concatChunks(chunks, length);
}

function concatChunks(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** The error for a file that decodes to more than `maxBytes`. */
export function tooLarge(file: string, maxBytes: number, cause?: unknown): DataError {
  return new DataError(
    `${file}: larger than the ${maxBytes}-byte limit for decoded IDX files. ` +
      'Raise the maxBytes option if the file is really this large.',
    { cause },
  );
}

/** A plain `Uint8Array` view of the same memory, so callers never see Node `Buffer`s. */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
