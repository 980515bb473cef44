// The fedtune side of the Hugging Face model benchmark, one child process per model and tfjs
// backend (so its peak resident memory is its own): loads a Hugging Face GPT-2 folder with
// loadHfModel and trains LoRA on it with LocalTrainer, the trainer a federated client's training
// runs through, with the settings a text-files causal-lm run gives it (the family's PEFT default
// targets, the LM head frozen). Driven by hf-models.mjs through lineChild.mjs: it replies `ready`
// after loading and one untimed warm-up step, then answers each request line:
//   {"do":"train"}        one timed run of `steps` optimiser steps by the first client
//   {"do":"secondClient"} a second client (its own adapter and trainer over the same loaded base)
//                         trains `steps` steps; replies the memory before and after it
// Argument: JSON { folder, backend, batchSize, contextLength, steps, learningRate, rank, alpha }.
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { loadHfModel, LocalTrainer, loraAdapter, useTfBackend } from '../dist/model/index.js';
import { RandomStream, RandomStreams } from '../dist/random/counterRandom.js';

const settings = JSON.parse(process.argv[2]);
const { folder, batchSize, contextLength, steps } = settings;

const peakRssBytes = () => process.resourceUsage().maxRSS * 1024;
const reply = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
/** The wasm backend's heap, which only grows: its high-water mark. */
const wasmHeap = () => (tf.getBackend() === 'wasm' ? { wasmHeapBytes: tf.backend().wasm.HEAPU8.length } : {});

/** `count` windows of random token ids with random next tokens: the cost does not depend on which tokens they are. */
function randomWindows(count, vocabSize, clientId) {
  const stream = new RandomStream({ seed: 1, round: 0, client: clientId, stream: RandomStreams.subset });
  return {
    count,
    featureSize: contextLength,
    numClasses: vocabSize,
    features: Float32Array.from({ length: count * contextLength }, () => stream.int(vocabSize)),
    labels: Int32Array.from({ length: count }, () => stream.int(vocabSize)),
  };
}

/** One client: its adapter instance, trainer, start vector and `steps` batches of examples. */
function createClient(model, architecture, clientId) {
  const random = { seed: 1, round: 0, client: clientId, stream: RandomStreams.initialisation };
  // The settings adapterSettings gives a text-files causal-lm run on this base.
  const adapter = loraAdapter.create(model.modules, {
    rank: settings.rank,
    alpha: settings.alpha,
    targetModules: architecture.defaultTargetModules,
    numClasses: model.vocabSize,
    frozenHead: true,
    random,
  });
  const trainer = new LocalTrainer(model, adapter, {
    epochs: 1,
    batchSize,
    learningRate: settings.learningRate,
    optimizer: 'adam',
  });
  const source = randomWindows(batchSize * steps, model.vocabSize, clientId);
  const rows = (count) => ({ clientId, source, indices: Uint32Array.from({ length: count }, (_, i) => i) });
  const start = adapter.initialParameters(model.frozen);
  // One epoch over batchSize × steps rows is `steps` optimiser steps; over batchSize rows, one.
  const train = (count, round) => trainer.train(start, rows(count), { ...random, round });
  return { train, trainableParameters: start.length };
}

const backend = await useTfBackend(settings.backend);
const began = performance.now();
const { model, architecture } = await loadHfModel(folder, { contextLength });
const loadSeconds = (performance.now() - began) / 1000;
const peakRssAfterLoadBytes = peakRssBytes();
const first = createClient(model, architecture, 0);
// Untimed: V8, the wasm heap and XNNPACK's packed weights settle during the first step.
await first.train(batchSize, 0);
reply({
  ready: true,
  backend,
  // tfjs-wasm in Node runs its kernels on one thread (no multithreaded build there).
  ...(backend === 'wasm' ? { wasmThreads: getThreadsCount() } : {}),
  loadSeconds,
  peakRssAfterLoadBytes,
  tfTensorBytes: tf.memory().numBytes,
  ...wasmHeap(),
  trainableParameters: first.trainableParameters,
});

let round = 1;
for await (const line of createInterface({ input: process.stdin })) {
  const request = JSON.parse(line);
  if (request.do === 'train') {
    const start = performance.now();
    const result = await first.train(batchSize * steps, round++);
    const seconds = (performance.now() - start) / 1000;
    reply({ seconds, steps: result.steps, tokensPerSecond: (result.samples * contextLength) / seconds, meanLoss: result.meanLoss });
  } else if (request.do === 'secondClient') {
    const memory = () => ({ peakRssBytes: peakRssBytes(), tfTensorBytes: tf.memory().numBytes, ...wasmHeap() });
    const oneClient = memory();
    const second = createClient(model, architecture, 1);
    await second.train(batchSize * steps, 0);
    reply({ oneClient, twoClients: memory() });
  } else {
    throw new Error(`unknown request ${line}; send {"do":"train"} or {"do":"secondClient"}`);
  }
}
