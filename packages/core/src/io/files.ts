/**
 * `@fedtune/core/files`: reading and writing users' files with fedtune's checks and errors, without
 * loading the rest of core (tfjs among it).
 */
export * from './atomicWrite.js';
export * from './jsonNesting.js';
export * from './outputPath.js';
export * from './readFileWithin.js';
