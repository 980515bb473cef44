import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '../../../../src/errors.js';
import {
  disposeFrozen,
  frozenFromHost,
  type HostTensor,
  type LinearFunction,
} from '../../../../src/model/architectures/baseModel.js';
import type {
  CausalLanguageModel,
  ExpectedTensor,
  HfArchitecture,
} from '../../../../src/model/architectures/huggingface/hfArchitecture.js';

/** The settings the fake family reads from config.json. */
export interface FakeConfig {
  vocabSize: number;
  hiddenSize: number;
  layers: number;
  maxPositions: number;
}

/** What the last {@link fakeFamily} build received, for tests to inspect. */
export interface FakeBuild {
  config: FakeConfig;
  tensors: Map<string, HostTensor>;
  options: { contextLength: number; metadata: Readonly<Record<string, string>> };
}

export const builds: FakeBuild[] = [];

function positiveInteger(json: Readonly<Record<string, unknown>>, field: string, source: string): number {
  const value = json[field];
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new CheckpointError(`${source}: "${field}" is ${JSON.stringify(value)}; a positive integer is needed.`);
  }
  return value as number;
}

/**
 * A tiny family: a token embedding `embed.weight` `[vocab, hidden]`, one scale per layer
 * `layers.N.weight` `[hidden]` (stored under `model.` as Hugging Face base models do, or without it),
 * and an optional head `head.weight` tied to the embedding when absent. Names ending in `.mask` are
 * buffers it drops.
 */
export const fakeFamily: HfArchitecture<FakeConfig> = {
  classNames: ['FakeForCausalLM'],
  modelType: 'fake',
  defaultTargetModules: ['head'],
  fanInFanOut: false,
  parseConfig(json, source) {
    return {
      vocabSize: positiveInteger(json, 'vocab_size', source),
      hiddenSize: positiveInteger(json, 'hidden_size', source),
      layers: positiveInteger(json, 'num_layers', source),
      maxPositions: positiveInteger(json, 'max_positions', source),
    };
  },
  canonicalTensorName(name) {
    if (name.endsWith('.mask')) return null;
    const bare = name.startsWith('model.') ? name.slice('model.'.length) : name;
    return /^(embed\.weight|head\.weight|layers\.\d+\.weight)$/.test(bare) ? bare : undefined;
  },
  expectedTensors(config) {
    const expected = new Map<string, ExpectedTensor>([
      ['embed.weight', { shape: [config.vocabSize, config.hiddenSize] }],
      ['head.weight', { shape: [config.vocabSize, config.hiddenSize], optional: true }],
    ]);
    for (let layer = 0; layer < config.layers; layer++) {
      expected.set(`layers.${layer}.weight`, { shape: [config.hiddenSize] });
    }
    return expected;
  },
  maxContextLength: (config) => config.maxPositions,
  build(config, tensors, options) {
    builds.push({ config, tensors: new Map(tensors), options });
    return fakeModel(config, tensors, options);
  },
};

function fakeModel(
  config: FakeConfig,
  tensors: ReadonlyMap<string, HostTensor>,
  options: { contextLength: number; metadata: Readonly<Record<string, string>> }
): CausalLanguageModel {
  const { vocabSize, hiddenSize } = config;
  const embedding = tensors.get('embed.weight') as HostTensor;
  const head = { name: 'head', inFeatures: hiddenSize, outFeatures: vocabSize, isHead: true };
  const frozen = frozenFromHost([head], new Map([['head', { weight: (tensors.get('head.weight') ?? embedding).data, bias: undefined }]]));
  const embed = tf.tensor2d(embedding.data.slice(), [vocabSize, hiddenSize]);
  const hiddenStates = (ids: tf.Tensor2D): tf.Tensor2D =>
    tf.gather(embed, tf.reshape(tf.cast(tf.maximum(ids, 0), 'int32'), [-1]));
  const positionLogits = (ids: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D => linear(head, hiddenStates(ids));
  return {
    architecture: 'fake',
    modelType: 'fake',
    modules: [head],
    frozen,
    frozenTensors: new Map([['embed.weight', embed]]),
    inputSize: options.contextLength,
    numClasses: vocabSize,
    metadata: options.metadata,
    contextLength: options.contextLength,
    vocabSize,
    hiddenSize,
    hiddenStates,
    positionLogits,
    forward: (ids, linear) => {
      const length = ids.shape[1];
      const logits = tf.reshape(positionLogits(ids, linear), [ids.shape[0], length, vocabSize]);
      return tf.reshape(tf.slice(logits, [0, length - 1, 0], [-1, 1, -1]), [ids.shape[0], vocabSize]);
    },
    dispose: () => {
      disposeFrozen(frozen);
      embed.dispose();
    },
  };
}
