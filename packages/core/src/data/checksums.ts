import { createHash } from 'node:crypto';
import { DataError } from '../errors.js';

/** Lowercase hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Parses a checksum list in `sha256sum` format (`<hex>  <name>` or `<hex> *<name>` per line) into
 * name → hash. `file` names the list in error messages.
 *
 * @throws DataError on a line that is not in that format.
 */
export function parseSha256Sums(text: string, file: string): Map<string, string> {
  const sums = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.trimEnd());
    if (!match) {
      throw new DataError(
        `${file}:${i + 1}: "${line}" is not a sha256sum line ("<64 hex digits>  <file name>"); ` +
          'regenerate the list with sha256sum.',
      );
    }
    sums.set(match[2]!, match[1]!.toLowerCase());
  });
  return sums;
}

/** Formats name → hash pairs as `sha256sum` prints them, so `sha256sum -c` can check them. */
export function formatSha256Sums(sums: Iterable<readonly [name: string, hash: string]>): string {
  return Array.from(sums, ([name, hash]) => `${hash}  ${name}\n`).join('');
}
