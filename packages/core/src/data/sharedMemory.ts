/**
 * `byteLength` bytes of shared memory, so worker threads read one copy; plain memory where the
 * platform has no `SharedArrayBuffer` (a browser page that is not cross-origin isolated), which
 * holds the same values and has no worker threads to share with.
 */
export function sharedMemory(byteLength: number): ArrayBuffer | SharedArrayBuffer {
  return typeof SharedArrayBuffer === 'undefined' ? new ArrayBuffer(byteLength) : new SharedArrayBuffer(byteLength);
}
