import { closeSync, readSync } from 'node:fs';
import { CheckpointError, isFedtuneError } from '../../../errors.js';
import { openFileWithin } from '../../../io/readFileWithin.js';
import {
  HEADER_LENGTH_BYTES,
  parseSafetensorsHeader,
  safetensorsHeaderLength,
  type SafetensorsEntry,
  type SafetensorsHeader,
} from '../safetensorsHeader.js';

/**
 * A safetensors file open for reading one tensor at a time: its header is read and checked against
 * the file's length, and nothing else is read until a tensor is asked for. Close it with
 * {@link closeShard}.
 */
export interface OpenShard {
  path: string;
  /** The file's length when it was opened. */
  size: number;
  header: SafetensorsHeader;
  fd: number;
}

/** Most bytes asked of one read: Node reads at most 2 GiB − 1 at a time. */
const READ_CHUNK_BYTES = 1 << 30;

/**
 * Opens the safetensors file at `path` and reads its header (see {@link parseSafetensorsHeader}):
 * every tensor's offsets are checked against the file's length before any of its data is read.
 * @throws CheckpointError naming `path` when it is not a readable regular file or its header is
 *   malformed or describes more bytes than the file holds.
 */
export function openShard(path: string): OpenShard {
  const { fd, size } = openFile(path);
  try {
    const prefix = readAt(fd, path, 0, Math.min(HEADER_LENGTH_BYTES, size), 'the header length');
    const headerLength = safetensorsHeaderLength(prefix, size, path);
    const headerBytes = readAt(fd, path, HEADER_LENGTH_BYTES, headerLength, 'the header');
    return { path, size, header: parseSafetensorsHeader(headerBytes, size, path), fd };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** The stored bytes of one tensor of `shard`, in a buffer of their own. */
export function readEntryBytes(shard: OpenShard, entry: SafetensorsEntry): Uint8Array {
  const start = shard.header.dataStart + entry.begin;
  return readAt(shard.fd, shard.path, start, entry.end - entry.begin, `tensor "${entry.name}"`);
}

/** Closes the shard's file. */
export function closeShard(shard: OpenShard): void {
  closeSync(shard.fd);
}

function openFile(path: string): { fd: number; size: number } {
  try {
    return openFileWithin(path, {
      what: 'a safetensors file',
      maxBytes: Number.MAX_SAFE_INTEGER,
      error: CheckpointError,
      fix: "restore the weights file from the model's original files",
    });
  } catch (error) {
    if (isFedtuneError(error)) throw error;
    throw new CheckpointError(`${path} cannot be opened (${(error as Error).message}); check that it exists and is readable.`, {
      cause: error,
    });
  }
}

/** `length` bytes at `position`; `length` was checked against the file's size by the caller. */
function readAt(fd: number, path: string, position: number, length: number, what: string): Uint8Array {
  const out = new Uint8Array(length);
  for (let filled = 0; filled < length; ) {
    const read = readSync(fd, out, filled, Math.min(READ_CHUNK_BYTES, length - filled), position + filled);
    if (read === 0) {
      throw new CheckpointError(
        `${path} ended at byte ${position + filled} while reading ${what}, which needs bytes up to ${
          position + length
        }; the file shrank while it was read, so load it again once nothing writes to it.`
      );
    }
    filled += read;
  }
  return out;
}
