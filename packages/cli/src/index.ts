export { main, createProgram } from './cli.js';
export { ExitCode, exitCodeFor } from './exitCodes.js';
export type { CliIo } from './io.js';
