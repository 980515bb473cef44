import { PayloadError } from '@fedtune/core';

/** A typed array's bytes as base64, for JSON job data and results. */
export function toBase64(values: Float32Array | Uint32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/**
 * The values base64 `text` holds.
 * @throws PayloadError when `text` is not base64 of whole 4-byte values.
 */
export function fromBase64<T extends Float32Array | Uint32Array>(text: unknown, kind: new (buffer: ArrayBuffer) => T, what: string): T {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new PayloadError(`${what} is not base64 text`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) throw new PayloadError(`${what} holds ${bytes.length} bytes, not whole 4-byte values`);
  // Copied into a buffer of its own: Buffer.from may share a pool whose offset is not 4-aligned.
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return new kind(copy);
}
