/**
 * Backends: the pure-TypeScript reference backend, and the argument checks every backend runs so
 * that a bad call fails identically wherever it lands.
 */
export { ReferenceBackend } from './reference/referenceBackend.js';
export { qsgdBitsPerCode } from './reference/stochasticQuantize.js';
export * from './boundaryChecks.js';
export * from './kernelArgumentChecks.js';
