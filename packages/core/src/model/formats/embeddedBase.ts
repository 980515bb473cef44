import { join } from 'node:path';
import { findDataDir } from '../../data/dataDir.js';
import { EMBEDDED_BASE_NAME, FORTUNES_BASE_NAME } from './embeddedBaseNames.js';

/** Where the repository keeps the frozen Fashion-MNIST base that `"base": "embedded"` names. */
export const EMBEDDED_BASE_FILE = join(...EMBEDDED_BASE_NAME.split('/'));

/** Absolute path of the embedded base inside fedtune's data folder. */
export function embeddedBasePath(): string {
  return join(findDataDir(), EMBEDDED_BASE_FILE);
}

/** Where the repository keeps the byte-level transformer pre-trained on Debian's fortunes. */
export const FORTUNES_BASE_FILE = join(...FORTUNES_BASE_NAME.split('/'));

/** Absolute path of the fortunes transformer base inside fedtune's data folder. */
export function fortunesBasePath(): string {
  return join(findDataDir(), FORTUNES_BASE_FILE);
}
