import { join } from 'node:path';
import { findDataDir } from '../data/dataDir.js';

/** Where the repository keeps the frozen Fashion-MNIST base that `"base": "embedded"` names. */
export const EMBEDDED_BASE_FILE = join('base', 'fashion-mnist-mlp.safetensors');

/** Absolute path of the embedded base inside fedtune's data folder. */
export function embeddedBasePath(): string {
  return join(findDataDir(), EMBEDDED_BASE_FILE);
}
