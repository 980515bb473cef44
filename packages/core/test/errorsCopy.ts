import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll } from 'vitest';
import type * as errors from '../src/errors.js';

/**
 * A second, separately loaded copy of core's errors module: the classes a plugin with its own
 * node_modules/@fedtune/core throws. `instanceof` against this copy's classes fails, as it does
 * across real copies of the package.
 */
export async function loadErrorsCopy(): Promise<typeof errors> {
  const folder = mkdtempSync(join(tmpdir(), 'fedtune-errors-copy-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  copyFileSync(new URL('../src/errors.ts', import.meta.url), join(folder, 'errors.ts'));
  return (await import(pathToFileURL(join(folder, 'errors.ts')).href)) as typeof errors;
}
