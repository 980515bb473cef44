import { DataError } from '../errors.js';

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

/** Lowercase hex SHA-256 of `bytes`, by the web platform's `crypto.subtle`, so it runs in browsers as well as in Node. */
export async function sha256HexOf(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
