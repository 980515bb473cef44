import { GpuUnavailableError } from '../engine/gpuUnavailableError.js';

/** A failure on the kernel host, carried across threads by class name and message. */
export interface HostError {
  name: string;
  message: string;
}

/** Writes `error` into a reply's data area (truncated to fit) and returns its byte length. */
export function writeHostError(data: SharedArrayBuffer, error: unknown): number {
  const described: HostError =
    error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
  const bytes = new TextEncoder().encode(JSON.stringify(described));
  const length = Math.min(bytes.length, data.byteLength);
  new Uint8Array(data).set(bytes.subarray(0, length));
  return length;
}

/** The error to throw in the requesting thread for the failure of `length` bytes in `data`. */
export function readHostError(data: SharedArrayBuffer, length: number): Error {
  // TextDecoder refuses views of shared memory: copy first.
  const text = new TextDecoder().decode(new Uint8Array(data, 0, length).slice());
  let error: HostError;
  try {
    error = JSON.parse(text) as HostError;
  } catch {
    error = { name: 'Error', message: `${text}… (truncated)` };
  }
  if (error.name === GpuUnavailableError.name) return new GpuUnavailableError(error.message);
  return new Error(`the WebGPU kernel host failed: ${error.name}: ${error.message}`);
}
