import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

let writeCounter = 0;

/**
 * Writes `data` to `path` so readers see either the old file or the complete new one: the bytes go
 * to a temporary file in the same folder (same file system, so the rename is atomic), then replace
 * `path`. The temporary name is unique per process and call, so concurrent writers never collide.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${writeCounter++}.tmp`);
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
