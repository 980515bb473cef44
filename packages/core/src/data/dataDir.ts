import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from '../errors.js';

/** Environment variable naming the folder that holds fedtune's embedded data (the repo's `data/`). */
export const DATA_DIR_ENV = 'FEDTUNE_DATA_DIR';

/** A file every embedded data folder holds, relative to it; its presence identifies the folder. */
const MARKER = join('fashion-mnist', 'SHA256SUMS');

/**
 * The folder of fedtune's embedded data: `$FEDTUNE_DATA_DIR` when set, otherwise the nearest
 * `data/` folder holding `fashion-mnist/SHA256SUMS`, walking up from this module (which finds the
 * repository's `data/` from both `src/` and `dist/`).
 *
 * @throws DataError when the variable names a folder without the data, or no such folder is found.
 */
export function findDataDir(): string {
  const fromEnv = process.env[DATA_DIR_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    const dir = resolve(fromEnv);
    if (!existsSync(join(dir, MARKER))) {
      throw new DataError(
        `${DATA_DIR_ENV}=${fromEnv} has no ${MARKER}; point it at a copy of the repository's data/ ` +
          'folder, or unset it to use the one next to the code.',
      );
    }
    return dir;
  }
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'data');
    if (existsSync(join(candidate, MARKER))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new DataError(
    `no data/${MARKER} found in any folder above ${start}; set ${DATA_DIR_ENV} to a copy of the ` +
      "repository's data/ folder, or use the source 'system' (apt-get install dataset-fashion-mnist).",
  );
}
