import { ByteReader, ByteWriter, PayloadError, type Backend, type GridCodes } from '@fedtune/core';
import { MAX_BITS, MIN_BITS, type InnovationQuantisation } from './innovationQuantiser.js';

const VERSION = 1;

/** Bytes before the codes: tag and version (5), bit width (1), R as fp32 (4), length (4). */
export const GRID_HEADER_BYTES = 14;

/** What a grid payload carries. */
export interface GridPayload extends GridCodes {
  bits: number;
}

/** Serialises an upload: header (b, R, length) and the codes packed at b bits each. */
export function encodeGridPayload(tag: string, upload: InnovationQuantisation, backend: Backend): Uint8Array {
  return new ByteWriter()
    .header(tag, VERSION)
    .uint8(upload.bits)
    .float32(upload.radius)
    .uint32(upload.codes.length)
    .bytes(backend.packBits(upload.codes, upload.bits))
    .finish();
}

/**
 * Reads a payload written by {@link encodeGridPayload}.
 * @throws PayloadError on a foreign tag, a truncated payload, a length other than `length`, a bit
 *   width outside 1..16 or a radius that is negative or not finite.
 */
export function decodeGridPayload(tag: string, payload: Uint8Array, length: number, backend: Backend): GridPayload {
  const what = `${tag} payload`;
  const reader = new ByteReader(payload, what);
  reader.header(tag, VERSION);
  const bits = readBitWidth(reader, what);
  const radius = reader.float32();
  if (!Number.isFinite(radius) || radius < 0) throw new PayloadError(`${what}: radius ${radius} is not a finite R ≥ 0`);
  const count = reader.uint32();
  if (count !== length) throw new PayloadError(`${what}: carries ${count} values, the model has ${length}`);
  const packed = reader.bytes(Math.ceil((count * bits) / 8));
  reader.end();
  return { bits, radius, codes: backend.unpackBits(packed, bits, count) };
}

/**
 * The bit width a payload carries, one byte.
 * @throws PayloadError for a width outside {@link MIN_BITS}..{@link MAX_BITS}.
 */
export function readBitWidth(reader: ByteReader, what: string): number {
  const bits = reader.uint8();
  if (bits < MIN_BITS || bits > MAX_BITS) {
    throw new PayloadError(`${what}: bit width ${bits}, allowed ${MIN_BITS}..${MAX_BITS}`);
  }
  return bits;
}
