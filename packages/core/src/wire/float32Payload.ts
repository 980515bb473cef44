import { PayloadError } from '../errors.js';
import { ByteReader, ByteWriter } from './byteCodec.js';

const TAG = 'FP32';
const VERSION = 1;
/** Tag and version (5) and the value count (4). */
const HEADER_BYTES = 9;

/**
 * Serialises a vector as plain float32: the downlink format the round loop counts, and the `none`
 * compressor's uplink format (32 bits per coordinate plus a 9-byte header).
 */
export function encodeFloat32Payload(values: Float32Array): Uint8Array {
  return new ByteWriter().header(TAG, VERSION).uint32(values.length).float32Array(values).finish();
}

/** Bytes {@link encodeFloat32Payload} writes for `length` values: the 9-byte header and 4 per value. */
export function float32PayloadBytes(length: number): number {
  return HEADER_BYTES + 4 * length;
}

/** Inverse of {@link encodeFloat32Payload}; `length` is the vector length the receiver expects. */
export function decodeFloat32Payload(payload: Uint8Array, length: number): Float32Array {
  const reader = new ByteReader(payload, 'fp32 payload');
  reader.header(TAG, VERSION);
  const count = reader.uint32();
  if (count !== length) {
    throw new PayloadError(`fp32 payload: carries ${count} values, the model has ${length}`);
  }
  const values = reader.float32Array(count);
  reader.end();
  return values;
}
