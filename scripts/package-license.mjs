#!/usr/bin/env node
// Copies the repository's LICENSE into the package being packed (npm runs `prepack` in the
// package's folder), so every published package carries the licence text; `--clean`, run by
// `postpack`, removes the copy again.
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../LICENSE', import.meta.url));
const copy = join(process.cwd(), 'LICENSE');
if (copy === source) {
  console.error('package-license.mjs runs in a package folder (npm prepack/postpack), not the repository root');
  process.exit(1);
}
if (process.argv.includes('--clean')) rmSync(copy, { force: true });
else copyFileSync(source, copy);
