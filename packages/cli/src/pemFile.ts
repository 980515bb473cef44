import { ConfigError, isFedtuneError, readTextFileWithin } from '@fedtune/core';

/** Largest PEM file read: a key or a certificate chain takes kilobytes, a system's CA bundle a few hundred. */
const MAX_PEM_FILE_BYTES = 2 ** 20;

/**
 * The PEM file an option names (`--ca`, `--tls-cert`, `--tls-key`), as text. Only a regular file
 * (links followed) of at most 1 MiB is read, checked before reading.
 * @param what what the file holds, for the message: `certificate`, `private key`.
 * @throws ConfigError naming the option, the file, why it cannot be read and the fix.
 */
export function readPemOption(option: string, what: string, path: string): string {
  try {
    return readTextFileWithin(path, {
      what: 'a PEM file',
      maxBytes: MAX_PEM_FILE_BYTES,
      error: ConfigError,
      fix: `give ${option} the path of a PEM ${what} file`,
    });
  } catch (error) {
    if (isFedtuneError(error)) throw error;
    throw new ConfigError(`cannot read the ${option} ${what} ${path}: ${(error as Error).message}; give the path of a PEM file`, {
      cause: error,
    });
  }
}
