import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FashionMnist } from '../../src/data/fashionMnistFormat.js';
import type { LabelledImages } from '../../src/data/types.js';
import { ConfigError } from '../../src/errors.js';
import { parseExperiment } from '../../src/experiment/parse.js';
import { buildImageFederation } from '../../src/federation/imageFederation.js';
import { useTfBackend } from '../../src/model/training/tfBackend.js';
import { randomMlp } from '../model/fixtures.js';

beforeAll(async () => {
  await useTfBackend('cpu');
});

/** `count` images of 4×4 pixels, labels cycling over 2 classes. */
function images(count: number): LabelledImages {
  return {
    count,
    rows: 4,
    cols: 4,
    pixels: Uint8Array.from({ length: count * 16 }, (_, i) => (i * 37) % 256),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 2),
    numClasses: 2,
  };
}

describe('buildImageFederation', () => {
  it('releases the loaded base when its input size does not fit the images', async () => {
    const data: FashionMnist = { train: images(12), test: images(4), origin: 'test images', kind: 'folder' };
    const experiment = parseExperiment({ name: 'mismatch', data: { numClients: 2 }, training: { rounds: 1, tfBackend: 'cpu' } });
    const before = tf.memory().numTensors;
    // 9 inputs against 16 pixels per image.
    const build = buildImageFederation(experiment, data, 'cpu', async () => ({ base: randomMlp({ inputSize: 9, hidden: [3], numClasses: 2 }), basePath: 'base.safetensors' }), {
      dataOrigin: 'image-folder (2 classes)',
    });
    await expect(build).rejects.toThrow(ConfigError);
    await expect(build).rejects.toThrow('the base takes 9 inputs but the data has 16 features');
    expect(tf.memory().numTensors).toBe(before);
  });
});
