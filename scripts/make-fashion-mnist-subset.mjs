#!/usr/bin/env node
// Builds the embedded Fashion-MNIST subset in data/fashion-mnist/ from the full set installed by
// Debian's dataset-fashion-mnist package: 1,200 training images per class, drawn by a fixed seed,
// plus the whole test set, as gzipped IDX files with a SHA256SUMS list. See data/README.md.
//
// Usage (from the repository root, after building core):
//   (cd packages/core && npx tsc -p tsconfig.build.json)
//   node scripts/make-fashion-mnist-subset.mjs [output folder] [source folder]
// The output folder defaults to data/fashion-mnist, the source to the Debian location.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  EMBEDDED_SUBSET,
  SYSTEM_FASHION_MNIST_DIR,
  embeddedTrainIndices,
  loadFashionMnist,
  selectIndices,
  writeFashionMnistFolder,
} from '../packages/core/dist/data/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.argv[2] ?? join(repoRoot, 'data', 'fashion-mnist'));
const systemDir = resolve(process.argv[3] ?? SYSTEM_FASHION_MNIST_DIR);

const full = loadFashionMnist({ source: 'system', systemDir });
const train = selectIndices(full.train, embeddedTrainIndices(full.train));
const sums = writeFashionMnistFolder(outDir, { train, test: full.test });

console.log(`read ${full.origin}: ${full.train.count} train, ${full.test.count} test images`);
console.log(
  `wrote ${outDir}: ${train.count} train (${EMBEDDED_SUBSET.perClass} per class, seed ` +
    `${EMBEDDED_SUBSET.seed}), ${full.test.count} test images`,
);
for (const [name, hash] of sums) console.log(`${hash}  ${name}`);
