import { decodeUtf8File } from '../../data/files/strictUtf8.js';
import { DataError, isFedtuneError } from '../../errors.js';
import { readFileWithin } from '../../io/readFileWithin.js';

/**
 * Largest text file scored: 64 MiB, some 15 million GPT-2 tokens, already hours of windows on a
 * CPU; a larger file is refused before it is read.
 */
export const MAX_SCORING_TEXT_BYTES = 64 * 1024 * 1024;

/**
 * The text of the UTF-8 file at `path`, read within {@link MAX_SCORING_TEXT_BYTES}.
 * @throws DataError naming the file for one that cannot be read, is not a regular file, is too large or is not valid UTF-8.
 */
export function readScoringText(path: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileWithin(path, {
      what: 'a text file',
      maxBytes: MAX_SCORING_TEXT_BYTES,
      error: DataError,
      fix: `give a UTF-8 text file of at most ${MAX_SCORING_TEXT_BYTES} bytes`,
    });
  } catch (error) {
    if (isFedtuneError(error)) throw error;
    throw new DataError(`${path}: cannot be read (${(error as Error).message}); check the path.`, { cause: error });
  }
  return decodeUtf8File(bytes, path);
}
