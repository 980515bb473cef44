import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';

/** What a reader throws for a file that is not what it expects: a fedtune error class, mostly. */
export type FileErrorClass = new (message: string) => Error;

/** What a reader expects of a file it reads whole. */
export interface FileExpectation {
  /** What the file should be, with its article, for messages: `a safetensors file`, `a tokens file`. */
  what: string;
  /** Largest size accepted, in bytes; a larger file is refused before any of it is read. */
  maxBytes: number;
  /** The error thrown for a file that is not a regular file or is too large. */
  error: FileErrorClass;
  /** What to do about such a file, for messages; by default `check that the path names <what>`. */
  fix?: string;
}

/** The most bytes Node reads into one buffer; a useful `maxBytes` for files with no smaller natural bound. */
export const MAX_READ_BYTES = 2 ** 31 - 1;

/**
 * Opening a FIFO for reading waits for a writer unless it is non-blocking; the flag changes nothing
 * for regular files. Windows has neither the flag nor FIFOs to open.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
/** How much more is read at a time when a file turns out longer than its size said. */
const GROWTH_CHUNK_BYTES = 64 * 1024;

/**
 * Reads the whole of the file at `path`, after checking (links followed) that it is a regular file
 * of at most `expected.maxBytes` bytes: a link to `/dev/zero`, a FIFO or a folder is refused
 * before anything is read, and a file that grows while it is read is cut off at the limit.
 *
 * @throws `expected.error` naming the path and what was expected, for any other kind of file or a
 *   file over the limit; the file system's own error (`ENOENT`, `EACCES`, …) when it cannot be opened.
 */
export function readFileWithin(path: string, expected: FileExpectation): Uint8Array {
  const { fd, size } = openFileWithin(path, expected);
  try {
    return readToEnd(fd, size, path, expected);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens the file at `path` for reading after the checks of {@link readFileWithin}, for a reader that
 * reads parts of it by position; the caller closes `fd`. `size` is the opened file's length.
 *
 * @throws as {@link readFileWithin} does.
 */
export function openFileWithin(path: string, expected: FileExpectation): { fd: number; size: number } {
  // Looking before opening: opening some devices (a tape, a terminal) already does something.
  checkFile(path, statSync(path), expected);
  const fd = openSync(path, OPEN_FLAGS);
  try {
    // The path may name another file by now.
    const stats = fstatSync(fd);
    checkFile(path, stats, expected);
    return { fd, size: stats.size };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** {@link readFileWithin}, decoded as UTF-8 (a byte-order mark dropped). */
export function readTextFileWithin(path: string, expected: FileExpectation): string {
  return new TextDecoder().decode(readFileWithin(path, expected));
}

function checkFile(path: string, stats: Stats, expected: FileExpectation): void {
  if (!stats.isFile()) {
    throw new expected.error(`${path}${linkTarget(path)} is ${kindOf(stats)}, not a regular file; ${fixOf(expected)}.`);
  }
  if (stats.size > expected.maxBytes) throw tooLarge(path, `is ${stats.size} bytes`, expected);
}

function readToEnd(fd: number, size: number, path: string, expected: FileExpectation): Uint8Array {
  const chunks: Buffer[] = [];
  let total = 0;
  // One byte more than the size says, so a single read also finds the end of an unchanged file.
  for (let want = size + 1; ; want = GROWTH_CHUNK_BYTES) {
    const chunk = Buffer.allocUnsafeSlow(Math.min(want, expected.maxBytes + 1 - total));
    const read = readSync(fd, chunk, 0, chunk.length, null);
    if (read === 0) break;
    chunks.push(chunk.subarray(0, read));
    total += read;
    if (total > expected.maxBytes) throw tooLarge(path, 'grew while being read', expected);
  }
  const whole = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  return new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength);
}

function tooLarge(path: string, size: string, expected: FileExpectation): Error {
  return new expected.error(
    `${path} ${size}, over the ${expected.maxBytes}-byte limit for ${expected.what}; ${fixOf(expected)}.`,
  );
}

function fixOf(expected: FileExpectation): string {
  return expected.fix ?? `check that the path names ${expected.what}`;
}

/** ` (a link to …)` when `path` is a symbolic link, so the message shows what was really found. */
function linkTarget(path: string): string {
  try {
    return lstatSync(path).isSymbolicLink() ? ` (a link to ${realpathSync(path)})` : '';
  } catch {
    return '';
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'of an unknown kind';
}
