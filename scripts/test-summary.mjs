#!/usr/bin/env node
// Adds up the vitest JSON reports every package writes to test-results/vitest.json and prints
// one closing line, "N passed, N failed", so CI logs end with the whole suite's totals.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packageDirs = ['packages', 'examples']
  .map((parent) => join(root, parent))
  .filter(existsSync)
  .flatMap((parent) => readdirSync(parent).map((name) => join(parent, name)));

let passed = 0;
let failed = 0;
let skipped = 0;
for (const dir of packageDirs) {
  const report = join(dir, 'test-results', 'vitest.json');
  if (!existsSync(report)) continue;
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed += result.numPassedTests ?? 0;
  failed += result.numFailedTests ?? 0;
  skipped += (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
