import { DataError, isFedtuneError } from '../errors.js';
import { readFileWithin } from '../io/readFileWithin.js';

/**
 * Reads a data file whole: a regular file (links followed) of at most `maxBytes`, checked before
 * it is read, so a link to a device or a pipe cannot exhaust memory or hang the run.
 * @param what what the file should be, with its article, for messages: `an IDX data file`.
 * @throws DataError naming the path when it is not such a file or cannot be read.
 */
export function readDataFile(path: string, what: string, maxBytes: number): Uint8Array {
  try {
    return readFileWithin(path, { what, maxBytes, error: DataError });
  } catch (error) {
    if (isFedtuneError(error)) throw error;
    throw new DataError(`${path} cannot be read (${(error as Error).message}); check that it is ${what}.`, {
      cause: error,
    });
  }
}
