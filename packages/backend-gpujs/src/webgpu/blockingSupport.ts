/** The headers that make a page cross-origin isolated, which SharedArrayBuffer needs. */
export const ISOLATION_HEADERS =
  'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp';

/**
 * Why this thread cannot wait for a kernel host, or undefined when it can: waiting needs
 * SharedArrayBuffer (in a browser, only in a cross-origin isolated page and its workers) and a
 * thread allowed to block in `Atomics.wait` (a page's main thread is not).
 */
export function blockingUnsupportedReason(): string | undefined {
  const scope = globalThis as { crossOriginIsolated?: boolean };
  if (typeof SharedArrayBuffer !== 'function' || scope.crossOriginIsolated === false) {
    return (
      'SharedArrayBuffer is not available here: a page and its workers get it only when cross-origin isolated, ' +
      `so serve the page with the headers ${ISOLATION_HEADERS}`
    );
  }
  try {
    // Compares 0 with 1 and returns at once where waiting is allowed; throws where it is not.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return undefined;
  } catch {
    return (
      "this thread may not block in Atomics.wait (a page's main thread never may): create the backend in a " +
      'Web Worker, and run serveWebGpuKernels(worker) in the page'
    );
  }
}
