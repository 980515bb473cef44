import { readFileSync } from 'node:fs';
import { ConfigError } from '@fedtune/core';

/**
 * The PEM file an option names (`--ca`, `--tls-cert`, `--tls-key`), as text.
 * @param what what the file holds, for the message: `certificate`, `private key`.
 * @throws ConfigError naming the option, the file, why it cannot be read and the fix.
 */
export function readPemOption(option: string, what: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the ${option} ${what} ${path}: ${(error as Error).message}; give the path of a PEM file`, {
      cause: error,
    });
  }
}
