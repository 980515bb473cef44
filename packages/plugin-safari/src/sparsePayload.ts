import { ByteReader, ByteWriter, PayloadError, type Backend } from '@fedtune/core';

const TAG = 'SAFR';
const VERSION = 1;

/** How the kept positions travel: one bit per entry, or each kept index in fixed-width bits. */
export type PositionEncoding = 'bitmap' | 'indices';

const ENCODING_CODES: Record<PositionEncoding, number> = { bitmap: 0, indices: 1 };

/** Header bytes: tag and version (5), length (4), kept count (4), position encoding (1). */
export const SPARSE_HEADER_BYTES = 14;

/** Bits that address every position of a vector of `length` values (at least 1). */
export function indexBits(length: number): number {
  return Math.max(1, 32 - Math.clz32(Math.max(0, length - 1)));
}

/** Bytes each position encoding takes for `kept` of `length` entries. */
export function positionBytes(length: number, kept: number): Record<PositionEncoding, number> {
  return { bitmap: Math.ceil(length / 8), indices: Math.ceil((kept * indexBits(length)) / 8) };
}

/** The cheaper position encoding for `kept` of `length` entries; the bitmap on a tie. */
export function cheaperEncoding(length: number, kept: number): PositionEncoding {
  const bytes = positionBytes(length, kept);
  return bytes.indices < bytes.bitmap ? 'indices' : 'bitmap';
}

/** Total payload bytes for `kept` of `length` entries: header, positions, fp32 values. */
export function sparsePayloadBytes(length: number, kept: number): number {
  return SPARSE_HEADER_BYTES + positionBytes(length, kept)[cheaperEncoding(length, kept)] + 4 * kept;
}

/**
 * Serialises the entries of `values` where `mask` is 1: a header, their positions (a bitmap or
 * their indices, whichever is smaller, packed by the backend) and their fp32 values in index order.
 */
export function encodeSparse(values: Float32Array, mask: Uint8Array, backend: Backend): Uint8Array {
  const indices: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1) indices.push(i);
  const length = values.length;
  const encoding = cheaperEncoding(length, indices.length);
  const positions =
    encoding === 'bitmap'
      ? backend.packBits(Uint32Array.from(mask), 1)
      : backend.packBits(Uint32Array.from(indices), indexBits(length));
  return new ByteWriter()
    .header(TAG, VERSION)
    .uint32(length)
    .uint32(indices.length)
    .uint8(ENCODING_CODES[encoding])
    .bytes(positions)
    .float32Array(Float32Array.from(indices, (i) => values[i] as number))
    .finish();
}

/**
 * Inverts {@link encodeSparse}: a dense vector of `length` values, zero where nothing was sent.
 * @throws PayloadError on a foreign, truncated or inconsistent payload.
 */
export function decodeSparse(payload: Uint8Array, length: number, backend: Backend): Float32Array {
  const reader = new ByteReader(payload, 'safari-sparse payload');
  reader.header(TAG, VERSION);
  const sentLength = reader.uint32();
  const kept = reader.uint32();
  const encodingCode = reader.uint8();
  if (sentLength !== length) {
    throw new PayloadError(`safari-sparse payload: carries ${sentLength} values, the model has ${length}`);
  }
  if (kept > length) throw new PayloadError(`safari-sparse payload: keeps ${kept} of only ${length} values`);
  const indices = readPositions(reader, encodingCode, length, kept, backend);
  const values = reader.float32Array(kept);
  reader.end();
  const out = new Float32Array(length);
  indices.forEach((index, i) => {
    out[index] = values[i] as number;
  });
  return out;
}

function readPositions(
  reader: ByteReader,
  encodingCode: number,
  length: number,
  kept: number,
  backend: Backend,
): Uint32Array {
  const bytes = positionBytes(length, kept);
  if (encodingCode === ENCODING_CODES.bitmap) {
    const bits = backend.unpackBits(reader.bytes(bytes.bitmap), 1, length);
    const indices: number[] = [];
    bits.forEach((bit, i) => {
      if (bit === 1) indices.push(i);
    });
    if (indices.length !== kept) {
      throw new PayloadError(`safari-sparse payload: bitmap marks ${indices.length} values, header says ${kept}`);
    }
    return Uint32Array.from(indices);
  }
  if (encodingCode === ENCODING_CODES.indices) {
    const indices = backend.unpackBits(reader.bytes(bytes.indices), indexBits(length), kept);
    indices.forEach((index, i) => {
      if (index >= length || (i > 0 && index <= (indices[i - 1] as number))) {
        throw new PayloadError(`safari-sparse payload: index ${index} at position ${i} is out of order or range`);
      }
    });
    return indices;
  }
  throw new PayloadError(`safari-sparse payload: unknown position encoding ${encodingCode}`);
}
