import * as tf from '@tensorflow/tfjs-core';
import { BYTE_CLASSES } from '../../data/text/byteTokenizer.js';
import type { FeatureSet } from '../../data/types.js';
import { ConfigError, DataError, NonFiniteError } from '../../errors.js';
import { RandomStream, RandomStreams, type RandomKey } from '../../random/counterRandom.js';
import { affine, frozenLinear, frozenOf, type BaseModel, type HostLinear, type HostTensor } from '../architectures/baseModel.js';
import { nextByteBatch } from './nextByteBatch.js';
import { ensureTrainingGradients } from './tfGradients.js';
import {
  byteTransformerConfig,
  createTransformer,
  initialTransformerWeights,
  isTransformer,
  transformerHidden,
  transformerModules,
  type ByteTransformerSize,
} from '../architectures/transformer.js';

/** What pre-training a byte-level transformer needs. */
export interface TransformerPretrainOptions {
  /** Next-byte windows (`nextByteFeatureSet`); their length is the model's context length. */
  data: FeatureSet;
  /** Width, depth and heads; the context length comes from `data` and the head predicts bytes. */
  size: Omit<ByteTransformerSize, 'contextLength' | 'numClasses'>;
  /** Adam steps; windows are drawn in reshuffled passes over `data`. */
  steps: number;
  /** Windows per step. */
  batchSize: number;
  learningRate: number;
  /** Seed of the initial weights and the shuffles. */
  seed: number;
  /** Provenance saved with the model (corpus, collections, …). */
  metadata?: Readonly<Record<string, string>>;
  /** Called after every step with its loss, e.g. to report progress. */
  onStep?: (step: number, loss: number) => void;
}

/** A client id no federation uses, so pre-training draws never coincide with a client's. */
const PRETRAIN_CLIENT = -1;

function checkOptions(options: TransformerPretrainOptions): void {
  const problems: string[] = [];
  const positive = (name: string, value: number) => {
    if (!Number.isSafeInteger(value) || value <= 0) problems.push(`${name} ${value} is not a positive integer`);
  };
  positive('steps', options.steps);
  positive('batchSize', options.batchSize);
  if (!Number.isFinite(options.learningRate) || options.learningRate <= 0) {
    problems.push(`learningRate ${options.learningRate} is not a positive number`);
  }
  if (problems.length > 0) throw new ConfigError(`Transformer pre-training: ${problems.join('; ')}; fix the settings.`);
  if (options.data.count === 0) {
    throw new DataError('There are no windows to pre-train on; build them from a non-empty pre-training pool.');
  }
}

/** Mean masked cross-entropy (nats per target) of next-byte logits `[rows, 256]`. */
function maskedCrossEntropy(logits: tf.Tensor2D, targets: Int32Array, mask: Float32Array): tf.Scalar {
  // Cast rather than oneHot's dtype argument: the wasm OneHot kernel writes int32 values regardless.
  const oneHot = tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), BYTE_CLASSES), 'float32');
  return tf.losses.softmaxCrossEntropy(
    oneHot,
    logits,
    tf.tensor1d(mask),
    undefined,
    tf.Reduction.SUM_BY_NONZERO_WEIGHTS
  ) as tf.Scalar;
}

/**
 * Trains every weight of a byte-level transformer (GPT-2 initialisation drawn from core's counter
 * random) as a next-byte model and returns it as a frozen base. Each step's loss averages the
 * cross-entropy at every non-pad position of every window — a causal model predicts all of them
 * in one pass, so a window teaches as many targets as it has bytes. Deterministic for a seed on a
 * given tf backend. The metadata records the caller's provenance plus the settings and losses.
 */
export async function pretrainTransformer(options: TransformerPretrainOptions): Promise<BaseModel> {
  checkOptions(options);
  ensureTrainingGradients();
  const { data, seed, batchSize } = options;
  const config = byteTransformerConfig({ ...options.size, contextLength: data.featureSize });
  const key = (stream: number): RandomKey => ({ seed, round: 0, client: PRETRAIN_CLIENT, stream });
  const initial = initialTransformerWeights(config, key(RandomStreams.initialisation));
  const modules = transformerModules(config);
  const weights = new Map(
    modules.map((module) => {
      const host = initial.weights.get(module.name) as HostLinear;
      const weight = tf.variable(tf.tensor2d(host.weight, [module.outFeatures, module.inFeatures]));
      return [module.name, { weight, bias: tf.variable(tf.tensor1d(host.bias as Float32Array)) }];
    })
  );
  const tensors = new Map([...initial.tensors].map(([name, host]) => [name, tf.variable(tf.tensor(host.data, [...host.shape]))]));
  const variables = [...[...weights.values()].flatMap(({ weight, bias }) => [weight, bias]), ...tensors.values()];
  const linear = (module: { name: string }, x: tf.Tensor2D) => {
    const { weight, bias } = weights.get(module.name) as { weight: tf.Variable; bias: tf.Variable };
    return affine(x, weight as tf.Tensor2D, bias as tf.Tensor1D);
  };
  const tensor = (name: string) => tensors.get(name) as tf.Variable;
  const head = modules[modules.length - 1] as (typeof modules)[number];
  const optimizer: tf.Optimizer = tf.train.adam(options.learningRate);
  const shuffle = new RandomStream(key(RandomStreams.batchShuffle));
  let order: number[] = [];
  let position = 0;
  let lossSum = 0;
  let lastLosses: number[] = [];
  try {
    for (let step = 0; step < options.steps; step++) {
      if (position >= order.length) {
        order = shuffle.shuffle(Array.from({ length: data.count }, (_, i) => i));
        position = 0;
      }
      const size = Math.min(batchSize, order.length - position);
      const batch = nextByteBatch(data, order, position, size);
      position += size;
      const loss = tf.tidy(() => {
        const ids = tf.tensor2d(batch.ids, [size, config.contextLength]);
        const { value, grads } = tf.variableGrads(() => {
          const hidden = transformerHidden(config, modules, tensor, ids, linear);
          return maskedCrossEntropy(linear(head, hidden), batch.targets, batch.mask);
        }, variables);
        optimizer.applyGradients(grads);
        return value;
      });
      const value = loss.dataSync()[0] as number;
      loss.dispose();
      if (!Number.isFinite(value)) {
        throw new NonFiniteError(
          `Transformer pre-training produced a non-finite loss (${value}) at step ${step}; lower the learning rate (now ${options.learningRate}).`
        );
      }
      lossSum += value;
      lastLosses.push(value);
      // The last tenth of the steps estimates where training ended, without an extra evaluation pass.
      if (lastLosses.length > Math.max(1, Math.floor(options.steps / 10))) lastLosses = lastLosses.slice(1);
      options.onStep?.(step, value);
    }
    const trainedWeights = new Map<string, HostLinear>(
      [...weights].map(([name, { weight, bias }]) => [
        name,
        { weight: Float32Array.from(weight.dataSync()), bias: Float32Array.from(bias.dataSync()) },
      ])
    );
    const trainedTensors = new Map<string, HostTensor>(
      [...tensors].map(([name, variable]) => [name, { shape: variable.shape, data: Float32Array.from(variable.dataSync()) }])
    );
    const finalLoss = lastLosses.reduce((a, b) => a + b, 0) / lastLosses.length;
    return createTransformer(config, trainedWeights, trainedTensors, {
      ...options.metadata,
      pretrainSeed: String(seed),
      pretrainSteps: String(options.steps),
      pretrainBatchSize: String(batchSize),
      pretrainLearningRate: String(options.learningRate),
      pretrainWindows: String(data.count),
      pretrainMeanLoss: String(lossSum / options.steps),
      pretrainFinalLoss: String(finalLoss),
    });
  } finally {
    optimizer.dispose();
    for (const variable of variables) variable.dispose();
  }
}

/**
 * Mean next-byte cross-entropy (nats per byte) of a transformer base over every target position of
 * `data`'s windows, in batches. Divide by ln 2 for bits per byte.
 *
 * @throws ConfigError when `model` is not a transformer; DataError when `data` has no targets.
 */
export function nextByteLoss(model: BaseModel, data: FeatureSet, batchSize = 128): number {
  if (!isTransformer(model)) {
    throw new ConfigError(`nextByteLoss needs a transformer base, not "${model.architecture}"; load a transformer checkpoint.`);
  }
  ensureTrainingGradients();
  const linear = (module: { name: string }, x: tf.Tensor2D) => frozenLinear(x, frozenOf(model.frozen, module.name));
  const order = Array.from({ length: data.count }, (_, i) => i);
  let sum = 0;
  let targets = 0;
  for (let from = 0; from < data.count; from += batchSize) {
    const size = Math.min(batchSize, data.count - from);
    const batch = nextByteBatch(data, order, from, size);
    const loss = tf.tidy(() => {
      const logits = model.positionLogits(tf.tensor2d(batch.ids, [size, data.featureSize]), linear);
      return maskedCrossEntropy(logits, batch.targets, batch.mask);
    });
    sum += (loss.dataSync()[0] as number) * batch.targetCount;
    targets += batch.targetCount;
    loss.dispose();
  }
  if (targets === 0) throw new DataError('There are no next-byte targets to evaluate; pass non-empty windows.');
  return sum / targets;
}

/**
 * The unigram baseline: cross-entropy (nats per byte) on `test`'s targets of byte frequencies
 * counted over `train`'s targets, with add-one smoothing so no byte has zero probability.
 */
export function unigramNextByteLoss(train: FeatureSet, test: FeatureSet): number {
  const counts = new Float64Array(BYTE_CLASSES).fill(1);
  const visit = (data: FeatureSet, each: (target: number) => void) => {
    const order = Array.from({ length: data.count }, (_, i) => i);
    const batch = nextByteBatch(data, order, 0, data.count);
    batch.targets.forEach((target, i) => {
      if (batch.mask[i] === 1) each(target);
    });
  };
  visit(train, (target) => (counts[target] = (counts[target] as number) + 1));
  const total = counts.reduce((a, b) => a + b, 0);
  let sum = 0;
  let n = 0;
  visit(test, (target) => {
    sum -= Math.log((counts[target] as number) / total);
    n++;
  });
  if (n === 0) throw new DataError('There are no next-byte targets to evaluate; pass non-empty windows.');
  return sum / n;
}
