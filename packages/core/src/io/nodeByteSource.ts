import { join } from 'node:path';
import { DataError, isFedtuneError } from '../errors.js';
import { checkSourceName, type ByteSource } from './byteSource.js';
import { MAX_READ_BYTES, readFileWithin } from './readFileWithin.js';

/** Options of {@link nodeByteSource}. */
export interface NodeByteSourceOptions {
  /** Largest file read, in bytes (default: the most Node reads into one buffer, 2 GiB − 1). */
  maxBytes?: number;
}

/**
 * A {@link ByteSource} over the folder `root` on disk. Only regular files (links followed) of at
 * most `maxBytes` are read; anything else is refused before it is read.
 */
export function nodeByteSource(root: string, options: NodeByteSourceOptions = {}): ByteSource {
  const maxBytes = options.maxBytes ?? MAX_READ_BYTES;
  const locate = (name: string) => {
    checkSourceName(name);
    return join(root, ...name.split('/'));
  };
  return {
    locate,
    async read(name) {
      const path = locate(name);
      try {
        return readFileWithin(path, {
          what: 'a data file',
          maxBytes,
          error: DataError,
          fix: `check that ${root} holds ${name} as a regular file`,
        });
      } catch (error) {
        if (isFedtuneError(error)) throw error;
        throw new DataError(`${path} cannot be read (${(error as Error).message}); check that ${root} holds ${name}.`, {
          cause: error,
        });
      }
    },
  };
}
