import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../errors.js';
import { checkSourceName, type ByteSource } from './byteSource.js';

/** A {@link ByteSource} over the folder `root` on disk. */
export function nodeByteSource(root: string): ByteSource {
  const locate = (name: string) => {
    checkSourceName(name);
    return join(root, ...name.split('/'));
  };
  return {
    locate,
    async read(name) {
      const path = locate(name);
      try {
        const bytes = await readFile(path);
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      } catch (error) {
        throw new DataError(`${path} cannot be read (${(error as Error).message}); check that ${root} holds ${name}.`, {
          cause: error,
        });
      }
    },
  };
}
