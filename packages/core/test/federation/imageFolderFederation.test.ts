import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { loadFashionMnist } from '../../src/data/fashionMnist.js';
import type { LabelledImages } from '../../src/data/types.js';
import type { LedgerRow } from '../../src/engine/ledger.js';
import { runExperiment } from '../../src/engine/runExperiment.js';
import { ConfigError, DataError } from '../../src/errors.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { IMAGE_FOLDER_TEST_FRACTION, prepareFederation } from '../../src/federation/index.js';
import { textFilesExperimentDir, tinyCorpus } from './textFilesFixtures.js';
import { flatPng, GREY, pngOf, tempFolder, writeTree } from '../data/files/imageFixtures.js';

/** Four Fashion-MNIST classes, as class folder names that sort in label order. */
const CLASSES = ['0-t-shirt', '1-trouser', '2-pullover', '3-dress'];
const PER_CLASS = { train: 30, test: 15 };

/** The first `perClass` images of each of the four classes of `set`, as grey PNGs under `root/<class>/`. */
function writeClasses(set: LabelledImages, perClass: number, classes: readonly string[] = CLASSES): Record<string, Uint8Array> {
  const size = set.rows * set.cols;
  const files: Record<string, Uint8Array> = {};
  const written = new Array<number>(classes.length).fill(0);
  for (let i = 0; i < set.count; i++) {
    const label = set.labels[i]!;
    if (label >= classes.length || written[label]! >= perClass) continue;
    written[label]! += 1;
    files[`${classes[label]}/${String(i).padStart(5, '0')}.png`] = pngOf(set.cols, set.rows, GREY, [...set.pixels.subarray(i * size, (i + 1) * size)]);
  }
  return files;
}

/** An experiment folder holding `files` under `train/` and `test/`, as given. */
function experimentDir(trees: { train: Record<string, Uint8Array>; test?: Record<string, Uint8Array> }): string {
  const dir = tempFolder();
  writeTree(join(dir, 'train'), trees.train);
  if (trees.test) writeTree(join(dir, 'test'), trees.test);
  return dir;
}

/** An image-folder experiment on the embedded base with `data` fields replaced by `changes`. */
function experiment(data: object = {}, rounds = 2) {
  return parseExperiment({
    name: 'image-folder-test',
    seed: 5,
    data: { dataset: 'image-folder', path: 'train', numClients: 3, ...data },
    adapter: { rank: 2, alpha: 4 },
    training: { rounds, localEpochs: 1, batchSize: 16, tfBackend: 'cpu' },
  });
}

const readLedger = (dir: string): LedgerRow[] =>
  readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LedgerRow);

describe('data.dataset image-folder: the embedded base fine-tuned on class folders of images', () => {
  const fashion = loadFashionMnist({ source: 'embedded' });
  let train: Record<string, Uint8Array>;
  let test: Record<string, Uint8Array>;
  beforeAll(() => {
    train = writeClasses(fashion.train, PER_CLASS.train);
    test = writeClasses(fashion.test, PER_CLASS.test);
  });

  it('trains 3 clients for 2 rounds on real Fashion-MNIST images and tests well above chance', async () => {
    const dir = experimentDir({ train, test });
    const outDir = join(dir, 'out');
    const [summary] = await runExperiment(experiment({ testPath: 'test' }), { outDir, experimentDir: dir, container: createFedtuneContainer() });
    expect(summary?.data).toBe(`image-folder (${CLASSES.length} classes)`);
    const rows = readLedger(outDir);
    expect(rows).toHaveLength(2);
    // Chance is 1 in 4; pixels read transposed, inverted or with shuffled labels would stay near it.
    expect(rows.at(-1)?.testAccuracy).toBeGreaterThan(0.75);
  });

  it('tests on a seeded stratified 20% of each class of data.path when data.testPath is not set', async () => {
    const dir = experimentDir({ train });
    const split = async (seed: number) => {
      const federation = await prepareFederation({ ...experiment(), seed }, dir);
      federation.base.dispose();
      return federation;
    };
    const federation = await split(5);
    const [task] = federation.tasks;
    const perClassTest = PER_CLASS.train * IMAGE_FOLDER_TEST_FRACTION;
    expect(task?.test.count).toBe(CLASSES.length * perClassTest);
    expect(federation.pool.count).toBe(CLASSES.length * (PER_CLASS.train - perClassTest));
    for (let c = 0; c < CLASSES.length; c++) expect(task?.test.labels.filter((label) => label === c).length).toBe(perClassTest);
    // Every training image is downstream (the base never saw them), upstream classes included.
    const held = [...federation.shares.values()].reduce((sum, rows) => sum + rows.length, 0);
    expect(held).toBe(federation.pool.count);
    // The draw follows the seed: the same seed gives the same test images, another seed others.
    expect([...(await split(5)).tasks[0]!.test.features]).toEqual([...task!.test.features]);
    expect([...(await split(6)).tasks[0]!.test.features]).not.toEqual([...task!.test.features]);
  });

  it('refuses images whose pixel count is not the base input size, naming data.imageSize, and resizes them with it', async () => {
    const big = Object.fromEntries(CLASSES.flatMap((name, c) => [0, 1, 2, 3, 4].map((i) => [`${name}/${i}.png`, flatPng(32, 32, 40 * c + i)])));
    const dir = experimentDir({ train: big });
    const failure = prepareFederation(experiment(), dir);
    await expect(failure).rejects.toThrow(ConfigError);
    await expect(failure).rejects.toThrow(/takes 784 inputs, but the images are 32×32 = 1024 pixels; set data.imageSize to \[rows, cols\] with rows × cols = 784 \(\[28, 28\]\)/);
    const federation = await prepareFederation(experiment({ imageSize: [28, 28] }), dir);
    federation.base.dispose();
    expect(federation.pool.featureSize).toBe(784);
  });

  it('refuses a missing data.path folder, naming it', async () => {
    const dir = tempFolder();
    const failure = prepareFederation(experiment({ path: 'no-such-folder' }), dir);
    await expect(failure).rejects.toThrow(DataError);
    await expect(failure).rejects.toThrow(new RegExp(`${join(dir, 'no-such-folder')}.*; name a folder holding one subfolder of images per class`));
  });

  it('refuses test class folders that differ from the training ones, listing both', async () => {
    const renamed = writeClasses(fashion.test, 3, ['0-t-shirt', '1-trouser', '2-pullover', '3-coat']);
    const dir = experimentDir({ train, test: renamed });
    const failure = prepareFederation(experiment({ testPath: 'test' }), dir);
    await expect(failure).rejects.toThrow(DataError);
    await expect(failure).rejects.toThrow(
      /class folders of data.testPath .*\[0-t-shirt, 1-trouser, 2-pullover, 3-coat\] differ from those of data.path .*\[0-t-shirt, 1-trouser, 2-pullover, 3-dress\]; give both folders the same class folders/,
    );
  });

  it('refuses a class too small to have an image on each side of the split', async () => {
    const few = writeClasses(fashion.train, 2);
    const dir = experimentDir({ train: few });
    await expect(prepareFederation(experiment(), dir)).rejects.toThrow(
      /class "\d-[a-z-]+" has no image on the (train|test) side \(20% of each class test the adapter\); give every class at least 5 images, or name separate test images with data.testPath/,
    );
  });

  it('refuses fields of other data sets with image-folder, and image-folder fields elsewhere', async () => {
    const dir = tempFolder();
    mkdirSync(join(dir, 'train'));
    await expect(prepareFederation(experiment({ task: 'classification' }), dir)).rejects.toThrow(
      /data.task applies to data.dataset "text-files" only; remove it/,
    );
    await expect(prepareFederation(experiment({ source: 'idx' }), dir)).rejects.toThrow(
      /data.source "idx" names the Fashion-MNIST files to read; image-folder reads data.path instead/,
    );
    await expect(prepareFederation(experiment({ dataset: 'fashion-mnist', path: undefined, imageSize: [28, 28] }), dir)).rejects.toThrow(
      /data.imageSize applies to data.dataset "image-folder" only; remove it, or set data.dataset to "image-folder"/,
    );
    await expect(prepareFederation(experiment({ path: undefined }), dir)).rejects.toThrow(
      /data.dataset "image-folder" reads data.path, which is not set/,
    );
  });

  it('refuses a Hugging Face model folder as the base of image-folder', async () => {
    const dir = await textFilesExperimentDir('gpt2', tinyCorpus(10));
    const failure = prepareFederation(parseExperiment({ ...experiment(), model: { base: 'model' } }), dir);
    await expect(failure).rejects.toThrow(ConfigError);
    await expect(failure).rejects.toThrow(/model.base "model" is a Hugging Face model, .* data.dataset "image-folder" gives image pixels/);
  });
});
