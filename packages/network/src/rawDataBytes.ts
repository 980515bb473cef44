import type { RawData } from 'ws';

/** One binary WebSocket message as bytes, however `ws` delivered it (a Buffer, fragments, an ArrayBuffer). */
export function rawDataBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
