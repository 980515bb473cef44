import { ConfigError } from '../errors.js';

/**
 * Where a client reads the files an experiment names (data, base model) from: a folder on disk in
 * Node, an HTTP server in a browser. Names are relative, with `/` between folders
 * (`fashion-mnist/SHA256SUMS`), as in fedtune's data folder.
 */
export interface ByteSource {
  /**
   * The whole file `name`.
   * @throws DataError naming the file and the fix when it cannot be read (on disk: also when it is
   *   not a regular file, or is over the source's size limit).
   */
  read(name: string): Promise<Uint8Array>;
  /** Where `name` is read from (a path or a URL), for messages. */
  locate(name: string): string;
}

/**
 * Checks a name a {@link ByteSource} is asked for: relative, `/`-separated, never leaving its root.
 * @throws ConfigError for any other name.
 */
export function checkSourceName(name: string): void {
  const parts = name.split('/');
  if (name === '' || name.startsWith('/') || name.includes('\\') || parts.some((part) => part === '..' || part === '' || part === '.')) {
    throw new ConfigError(`"${name}" is not a file name inside a data folder; give a relative name like "fashion-mnist/SHA256SUMS"`);
  }
}
