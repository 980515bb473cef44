import { readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { explainWriteFailure } from './writeFailure.js';

let writeCounter = 0;

/**
 * A temporary name beside `path` (same file system, so the rename is atomic), unique per process
 * and call so concurrent writers never collide.
 */
function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${writeCounter++}.tmp`);
}

/** Whether `name` is one {@link temporaryPathFor} gives: `.<name>.<pid>.<counter>.tmp`. */
export function isAtomicWriteTemporary(name: string): boolean {
  return /^\..+\.\d+\.\d+\.tmp$/.test(name);
}

/**
 * Deletes the temporary files that atomic writes left in `dir` (not below it) when their process
 * was killed mid-write; other files are left alone. Call it only while no atomic write into `dir`
 * is in flight, such as when a run takes its results folder.
 */
export function removeAbandonedTemporaryFiles(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && isAtomicWriteTemporary(entry.name)) rmSync(join(dir, entry.name), { force: true });
  }
}

/** How {@link writeFileAtomic} creates the file. */
export interface AtomicWriteOptions {
  /**
   * Permission bits of the new file (before the umask), such as `0o600` for a secret. The temporary
   * file is created with them, so the content is never readable under looser ones.
   */
  mode?: number;
}

/**
 * Writes `data` to `path` so readers see either the old file or the complete new one: the bytes go
 * to a temporary file in the same folder, then replace `path`.
 * @throws FedtuneError naming the folder and the cause when the disk is full; ConfigError when the
 *   folder is read-only or not writable.
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temporary = temporaryPathFor(path);
  try {
    await writeFile(temporary, data, options);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw explainWriteFailure(error, path);
  }
}

/** The synchronous form of {@link writeFileAtomic}, for writes between rounds of a run. */
export function writeFileAtomicSync(path: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): void {
  const temporary = temporaryPathFor(path);
  try {
    writeFileSync(temporary, data, options);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw explainWriteFailure(error, path);
  }
}
