import { ByteReader, ByteWriter, PayloadError } from '@fedtune/core';
import { readBitWidth } from './gridPayload.js';

const TAG = 'AQLO';
const VERSION = 1;

/** Bytes before the values: tag and version (5), bit width (1), length (4). */
export const OFFICIAL_HEADER_BYTES = 10;

/** What an official-protocol payload carries. */
export interface OfficialPayload {
  /** The bit width the client's rule chose, which the paper's accounting charges per value. */
  bits: number;
  /** The full-precision update the server averages. */
  update: Float32Array;
}

/**
 * Serialises an upload of AQUILA's official protocol: the full-precision update as fp32, after a
 * header stating the bit width b of the quantised upload the skip rule judged:
 * 10 + 4·d bytes, whatever b is.
 */
export function encodeOfficialPayload(bits: number, update: Float32Array): Uint8Array {
  return new ByteWriter().header(TAG, VERSION).uint8(bits).uint32(update.length).float32Array(update).finish();
}

/**
 * Reads a payload written by {@link encodeOfficialPayload}.
 * @throws PayloadError on a foreign tag, a truncated payload, a length other than `length` or a bit
 *   width outside 1..16.
 */
export function decodeOfficialPayload(payload: Uint8Array, length: number): OfficialPayload {
  const what = `${TAG} payload`;
  const reader = new ByteReader(payload, what);
  reader.header(TAG, VERSION);
  const bits = readBitWidth(reader, what);
  const count = reader.uint32();
  if (count !== length) throw new PayloadError(`${what}: carries ${count} values, the model has ${length}`);
  const update = reader.float32Array(count);
  reader.end();
  return { bits, update };
}
