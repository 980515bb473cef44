import { accessSync, constants, mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { explainWriteFailure } from './writeFailure.js';

/** What an output path names: a file to write, or a folder to create or write into. */
export type OutputKind = 'file' | 'folder';

/**
 * Checks, before anything is computed or written, that `path` can be written as a `kind`: it is no
 * folder where a file goes (nor a file where a folder goes), lies under no file, has no name too
 * long for the file system, and the nearest folder of it that exists is writable. Creates nothing.
 * `option` names the path in messages as the user gave it, such as `--out`.
 * @returns the path, absolute.
 * @throws ConfigError naming the path, what is wrong and the fix.
 */
export function checkOutputPath(path: string, kind: OutputKind, option: string): string {
  const absolute = resolve(path);
  let existing = absolute;
  let stats = statOf(existing, absolute);
  while (stats === undefined && dirname(existing) !== existing) {
    existing = dirname(existing);
    stats = statOf(existing, absolute);
  }
  if (stats === undefined) return absolute;
  if (existing !== absolute && !stats.isDirectory()) {
    throw new ConfigError(`${option} ${absolute} lies under ${existing}, which is a file, not a folder; choose another ${option}`);
  }
  if (kind === 'folder' && !stats.isDirectory()) {
    throw new ConfigError(`${option} ${absolute} is a file, not a folder; choose another ${option}`);
  }
  if (kind === 'file' && stats.isDirectory() && existing === absolute) {
    throw new ConfigError(`${option} ${absolute} is a folder; name the file to write, in it or elsewhere`);
  }
  // Where the first write lands; `access` reports a read-only disk even to root.
  const folder = stats.isDirectory() ? existing : dirname(existing);
  try {
    accessSync(folder, constants.W_OK);
  } catch (error) {
    throw explainWriteFailure(error, absolute);
  }
  return absolute;
}

/** `path`'s status, or undefined when nothing is there (or a file above it stands in the way). */
function statOf(path: string, asked: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw explainWriteFailure(error, asked);
  }
}

/**
 * Creates `dir` and the folders above it that are missing, as `mkdirSync` with `recursive` does.
 * @returns the outermost folder created, or undefined when `dir` existed.
 * @throws FedtuneError naming the folder and the cause when the disk is full; ConfigError when it
 *   is read-only, not writable or under a file.
 */
export function createFolder(dir: string): string | undefined {
  try {
    return mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw explainWriteFailure(error, resolve(dir));
  }
}
