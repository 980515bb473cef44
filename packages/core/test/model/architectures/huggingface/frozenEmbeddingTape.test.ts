import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loraAdapter } from '../../../../src/model/adapters/lora.js';
import { loadHfModel } from '../../../../src/model/formats/huggingface/loadHfModel.js';
import { useTfBackend } from '../../../../src/model/training/tfBackend.js';
import { LocalTrainer } from '../../../../src/model/training/trainer.js';
import { RandomStreams } from '../../../../src/random/counterRandom.js';
import { GPT2_TEST_SIZES, writeGpt2Folder } from '../../../../src/testing/gpt2Folder.js';
import { temporaryFolder } from '../../fixtures.js';
import { writeLlamaFolder } from '../llama/llamaFolder.js';

beforeAll(async () => {
  await useTfBackend('cpu');
});

const CONTEXT = 8;
const LLAMA = { vocab: 103, width: 32 };

const families = [
  { family: 'GPT-2', vocab: GPT2_TEST_SIZES.vocab, width: GPT2_TEST_SIZES.width, write: (folder: string) => writeGpt2Folder(folder) },
  // Untied, so the only [vocab, hidden] tensors a step reads are the table and the frozen head.
  { family: 'LLaMA', vocab: LLAMA.vocab, width: LLAMA.width, write: (folder: string) => writeLlamaFolder(folder, { vocabSize: LLAMA.vocab, hiddenSize: LLAMA.width }) },
];

describe.each(families)('a $family training step', ({ vocab, width, write }) => {
  it('gathers from the frozen token embedding without saving a copy of it for the backward pass', async () => {
    const folder = await temporaryFolder();
    await write(folder);
    const { model, architecture } = await loadHfModel(folder, { contextLength: CONTEXT });
    const random = { seed: 1, round: 0, client: 0, stream: RandomStreams.initialisation };
    const adapter = loraAdapter.create(model.modules, {
      rank: 2,
      alpha: 4,
      targetModules: architecture.defaultTargetModules,
      numClasses: model.vocabSize,
      frozenHead: true,
      random,
    });
    const trainer = new LocalTrainer(model, adapter, { epochs: 1, batchSize: 2, learningRate: 0.01, optimizer: 'adam' });
    const source = {
      count: 2,
      featureSize: CONTEXT,
      numClasses: vocab,
      features: Float32Array.from({ length: 2 * CONTEXT }, (_, i) => (7 * i) % vocab),
      labels: Int32Array.of(3, 5),
    };
    const start = adapter.initialParameters(model.frozen);
    const data = { clientId: 0, source, indices: Uint32Array.of(0, 1) };
    let steps = 0;
    const profile = await tf.profile(async () => {
      steps = (await trainer.train(start, data, random)).steps;
    });
    trainer.dispose();
    model.dispose();

    // The table is [vocab, hidden]; tfjs saves a taped kernel's inputs by cloning them (Identity),
    // which the wasm backend does by copying every value.
    const isTable = (shape: number[] | undefined) => shape?.join() === [vocab, width].join();
    expect(steps).toBe(1);
    expect(profile.kernels.some((kernel) => kernel.name === 'GatherV2' && isTable(kernel.inputShapes[0]))).toBe(true);
    expect(profile.kernels.filter((kernel) => kernel.name === 'Identity' && isTable(kernel.inputShapes[0]))).toEqual([]);
  });
});
