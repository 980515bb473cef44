import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

let writeCounter = 0;

/**
 * A temporary name beside `path` (same file system, so the rename is atomic), unique per process
 * and call so concurrent writers never collide.
 */
function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${writeCounter++}.tmp`);
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
    throw error;
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
    throw error;
  }
}
