import { DataError } from '../../errors.js';
import type { FileErrorClass } from '../../io/readFileWithin.js';

const fatalDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The text of a file's UTF-8 `bytes`, a leading byte-order mark dropped. Bytes that are not UTF-8
 * are refused rather than read as U+FFFD, which would train on text the file never held.
 *
 * @throws `error` (DataError by default) naming `path` and the line of the first invalid bytes.
 */
export function decodeUtf8File(bytes: Uint8Array, path: string, error: FileErrorClass = DataError): string {
  try {
    return fatalDecoder.decode(bytes);
  } catch {
    throw new error(
      `${path} is not valid UTF-8 (line ${firstInvalidLine(bytes)} holds bytes that are not); save the file as UTF-8.`,
    );
  }
}

/** The 1-based line of the first bytes that do not decode; only called once the whole failed. */
function firstInvalidLine(bytes: Uint8Array): number {
  let line = 1;
  let start = 0;
  // A newline byte never occurs inside a multi-byte UTF-8 sequence, so lines decode on their own.
  for (let end = bytes.indexOf(0x0a); ; end = bytes.indexOf(0x0a, start)) {
    const stop = end === -1 ? bytes.length : end;
    try {
      fatalDecoder.decode(bytes.subarray(start, stop));
    } catch {
      return line;
    }
    if (end === -1) return line;
    line++;
    start = end + 1;
  }
}
