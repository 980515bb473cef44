/** Where the CLI writes. `main` takes it as a parameter so tests can capture output. */
export interface CliIo {
  /** Results, tables and, on a terminal, progress bars. */
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  /** Errors and usage messages. */
  stderr: NodeJS.WritableStream;
}

/** The process's own streams. */
export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr };
