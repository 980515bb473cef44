#!/usr/bin/env node
// Copies the repository's data/ (embedded Fashion-MNIST subset and frozen base) into the package
// before `npm pack`, so an installed @fedtune/core runs the quickstart without the repository.
// `--clean` removes the copy again after packing.
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const copy = join(packageDir, 'data');
rmSync(copy, { recursive: true, force: true });
if (!process.argv.includes('--clean')) {
  const source = join(packageDir, '..', '..', 'data');
  for (const part of ['fashion-mnist', 'base']) cpSync(join(source, part), join(copy, part), { recursive: true });
}
