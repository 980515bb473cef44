import * as tf from '@tensorflow/tfjs-core';
import type { AdapterInstance, FrozenLinear, LinearModuleInfo, StepContext } from '../../contracts/adapter.js';
import type { ClientData, FeatureSet } from '../../data/types.js';
import { ConfigError, DataError, NonFiniteError, ShapeError } from '../../errors.js';
import { RandomStream, RandomStreams, type RandomKey } from '../../random/counterRandom.js';
import { frozenLinear, frozenOf, type BaseModel, type LinearFunction } from '../architectures/baseModel.js';
import { BatchBuffer } from './batchBuffer.js';
import { checkFlatLength, indexLayout, type IndexedLayout } from '../adapters/parameterLayout.js';
import { ensureTrainingGradients } from './tfGradients.js';
import { createFlatOptimizer, type FlatOptimizer } from './flatOptimizer.js';
import { meanSoftmaxCrossEntropy } from './meanCrossEntropy.js';
import { FrozenOutputCache } from './frozenOutputCache.js';

/** Local training settings. */
export interface TrainingOptions {
  /** Passes over the client's examples. */
  epochs: number;
  /** Examples per optimiser step; the last, partial batch of an epoch is kept. */
  batchSize: number;
  /**
   * Optimiser steps per call, replacing `epochs`: batches run through reshuffled passes over the
   * examples until this many steps are taken, so every client spends the same local budget.
   */
  steps?: number | undefined;
  learningRate: number;
  optimizer: 'adam' | 'sgd';
}

/** What one local training run produced. */
export interface LocalTrainResult {
  /** The trained flat parameter vector (adapter layout). */
  parameters: Float32Array;
  /** Training objective (cross-entropy plus the adapter's extra loss) averaged over every example seen; 0 without examples. */
  meanLoss: number;
  /** Optimiser steps taken. */
  steps: number;
  /** Examples seen, counting every epoch. */
  samples: number;
}

/** Accuracy and mean cross-entropy over a set of examples. */
export interface EvaluationResult {
  accuracy: number;
  loss: number;
  count: number;
}

/** Examples per forward pass when evaluating (no gradients, so larger than a training batch). */
const EVALUATION_BATCH = 1024;

function checkOptions(options: TrainingOptions): void {
  const problems: string[] = [];
  if (!Number.isSafeInteger(options.epochs) || options.epochs <= 0)
    problems.push(`epochs ${options.epochs} is not a positive integer`);
  if (options.steps !== undefined && (!Number.isSafeInteger(options.steps) || options.steps <= 0)) {
    problems.push(`steps ${options.steps} is not a positive integer`);
  }
  if (!Number.isSafeInteger(options.batchSize) || options.batchSize <= 0) {
    problems.push(`batchSize ${options.batchSize} is not a positive integer`);
  }
  if (!Number.isFinite(options.learningRate) || options.learningRate <= 0) {
    problems.push(`learningRate ${options.learningRate} is not a positive number`);
  }
  if (options.optimizer !== 'adam' && options.optimizer !== 'sgd') {
    problems.push(`optimizer ${JSON.stringify(options.optimizer)} is not "adam" or "sgd"`);
  }
  if (problems.length > 0) throw new ConfigError(`Training options: ${problems.join('; ')}; fix the training section.`);
}

/** Throws NonFiniteError, as a non-finite loss does, when training left a parameter NaN or infinite. */
function assertFiniteParameters(parameters: Float32Array, clientId: number, learningRate: number): void {
  // A plain loop: a callback per value cost more than the rest of a short client's bookkeeping.
  let index = 0;
  while (index < parameters.length && Number.isFinite(parameters[index])) index++;
  if (index < parameters.length) {
    throw new NonFiniteError(
      `Local training of client ${clientId} ended with a non-finite parameter (${parameters[index]} at index ${index}); ` +
        `lower the learning rate (now ${learningRate}).`
    );
  }
}

/**
 * Trains an adapter on one client's examples with tfjs-core autodiff. The trainable tensors are
 * tf variables laid out as the adapter's flat vector; the base's frozen tensors are shared, never
 * copied. Every call starts a fresh optimiser (no optimiser state crosses rounds), and results are
 * a pure function of the inputs on a given tf backend. Calls must not overlap: they share the
 * variables and the batch buffer.
 */
export class LocalTrainer {
  private readonly layout: IndexedLayout;
  /** Trainable tensors keyed by their layout name. */
  private readonly variables: Map<string, tf.Variable>;
  private readonly variableList: tf.Variable[];
  /**
   * The trainable tensors' values concatenated in layout order, kept in step with the variables:
   * the optimiser updates this one vector, and the variables are its pieces.
   */
  private flat: tf.Tensor1D;
  private readonly linear: LinearFunction;
  private readonly buffer: BatchBuffer;
  private readonly frozenOutputs: FrozenOutputCache;
  /** The current batch's input tensor, and the cached frozen outputs of the modules it feeds. */
  private batchInput: tf.Tensor2D | undefined;
  private batchFrozen = new Map<string, tf.Tensor2D>();
  private rowIndices = new Uint32Array(0);

  /**
   * Creates the trainable variables for `adapter` on `base` (zero until a call loads parameters).
   * Invalid options are a `ConfigError`.
   */
  constructor(
    private readonly base: BaseModel,
    private readonly adapter: AdapterInstance,
    private readonly options: TrainingOptions
  ) {
    checkOptions(options);
    ensureTrainingGradients();
    this.layout = indexLayout(adapter.layout);
    this.variables = new Map(
      this.layout.slots.map((slot) => [slot.spec.name, tf.tidy(() => tf.variable(tf.zeros(slot.spec.shape)))])
    );
    this.variableList = [...this.variables.values()];
    this.flat = tf.keep(tf.zeros([this.layout.size]));
    this.linear = (module, x) => this.adaptedLinear(module, x, this.frozenFor(module.name, x));
    const { outputs, cachedModules } = this.probe();
    const capacity = Math.max(options.batchSize, EVALUATION_BATCH);
    this.buffer = new BatchBuffer(capacity, base.inputSize, outputs);
    // The cache reads outputs back to the host: worth it where tensors live there, not on a GPU.
    this.frozenOutputs = new FrozenOutputCache(
      (tensorsOnHost() ? cachedModules : []).map((name) => {
        const frozen = frozenOf(base.frozen, name);
        return { name, outFeatures: frozen.weight.shape[0] as number, frozen };
      }),
      capacity
    );
  }

  /**
   * One forward pass on a zero example. The adapter may replace the head, so the number of logits is
   * measured rather than assumed; and the modules worth a frozen-output cache are those fed the
   * network's input whose cached output the adapter (or the frozen fallback) reads.
   */
  private probe(): { outputs: number; cachedModules: string[] } {
    const reads = new Set<string>();
    const outputs = tf.tidy(() => {
      const input = tf.zeros<tf.Rank.R2>([1, this.base.inputSize]);
      const linear: LinearFunction = (module, x) => {
        const frozen = frozenOf(this.base.frozen, module.name);
        return this.adaptedLinear(module, x, x === input ? watchedCachedOutput(frozen, () => reads.add(module.name)) : frozen);
      };
      return this.base.forward(input, linear).shape[1] as number;
    });
    return { outputs, cachedModules: [...reads] };
  }

  /** A module's output: the adapter's where it adapts the module, else the frozen module's own. */
  private adaptedLinear(module: LinearModuleInfo, x: tf.Tensor2D, frozen: FrozenLinear): tf.Tensor2D {
    return this.adapter.linear(module, x, frozen, this.variables) ?? frozenLinear(x, frozen);
  }

  /** A module's frozen weights, with the cached output where `x` is the current batch's input. */
  private frozenFor(name: string, x: tf.Tensor2D): FrozenLinear {
    const frozen = frozenOf(this.base.frozen, name);
    const output = x === this.batchInput ? this.batchFrozen.get(name) : undefined;
    return output === undefined ? frozen : { ...frozen, cachedOutput: { input: x, output } };
  }

  /** Trains from `start` on `data` (shuffled each epoch with stream batchShuffle of `random`'s seed/round/client). */
  async train(start: Float32Array, data: ClientData, random: RandomKey): Promise<LocalTrainResult> {
    checkFlatLength(start, this.layout, 'Start parameters');
    this.checkFeatures(data.source);
    const count = data.indices.length;
    if (count === 0) return { parameters: start.slice(), meanLoss: 0, steps: 0, samples: 0 };
    this.load(start);
    const { epochs, batchSize, steps: stepBudget } = this.options;
    const budgetLeft = (steps: number) => stepBudget === undefined || steps < stepBudget;
    const shuffle = new RandomStream({ ...random, stream: RandomStreams.batchShuffle });
    const optimizer = createFlatOptimizer(this.options.optimizer, this.options.learningRate);
    let steps = 0;
    let lossSum = 0;
    let seen = 0;
    try {
      for (let epoch = 0; stepBudget === undefined ? epoch < epochs : steps < stepBudget; epoch++) {
        const order = shuffle.shuffle(Array.from(data.indices));
        for (let from = 0; from < count && budgetLeft(steps); from += batchSize) {
          const size = Math.min(batchSize, count - from);
          const loss = await this.step(optimizer, data.source, order, from, size, { step: steps, random, startParameters: start });
          if (!Number.isFinite(loss)) {
            throw new NonFiniteError(
              `Local training of client ${data.clientId} produced a non-finite loss (${loss}) at step ${steps} (epoch ${
                epoch + 1
              }); lower the learning rate (now ${this.options.learningRate}) or check the features for NaN or Infinity.`
            );
          }
          lossSum += loss * size;
          seen += size;
          steps++;
        }
      }
    } finally {
      optimizer.dispose();
    }
    // The loss is checked before each step, so a last step that overflows shows only in the weights.
    const parameters = await this.read();
    assertFiniteParameters(parameters, data.clientId, this.options.learningRate);
    return { parameters, meanLoss: lossSum / seen, steps, samples: seen };
  }

  /** Accuracy and mean cross-entropy of `parameters` on the given examples (all of `data` when indices omitted), batched. */
  async evaluate(parameters: Float32Array, data: FeatureSet, indices?: Uint32Array): Promise<EvaluationResult> {
    checkFlatLength(parameters, this.layout, 'Parameters to evaluate');
    this.checkFeatures(data);
    const rows = indices ?? this.firstRows(data.count);
    if (rows.length === 0) {
      throw new DataError('There are no examples to evaluate; pass a non-empty feature set or index list.');
    }
    this.load(parameters);
    let correct = 0;
    let lossSum = 0;
    for (let from = 0; from < rows.length; from += EVALUATION_BATCH) {
      const size = Math.min(EVALUATION_BATCH, rows.length - from);
      // Hits are counted by the kernels and read with the loss in one sync: no per-example loop here.
      const sums = tf.tidy(() => {
        const [x, y] = this.batchTensors(data, rows, from, size);
        const logits = this.base.forward(x, this.linear);
        const hits = tf.equal(tf.argMax(logits, 1), tf.tensor1d(this.buffer.labels(size), 'int32'));
        const loss = tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.SUM);
        return tf.stack([tf.sum(tf.cast(hits, 'float32')), loss]);
      });
      const [hits, loss] = sums.dataSync();
      sums.dispose();
      correct += hits as number;
      lossSum += loss as number;
    }
    return { accuracy: correct / rows.length, loss: lossSum / rows.length, count: rows.length };
  }

  /** Row indices 0 … count − 1, a view of one array kept across calls (evaluation runs every round). */
  private firstRows(count: number): Uint32Array {
    if (this.rowIndices.length < count) this.rowIndices = Uint32Array.from({ length: count }, (_, i) => i);
    return this.rowIndices.subarray(0, count);
  }

  /** Releases the trainable variables (the base model's tensors belong to the base). */
  dispose(): void {
    for (const variable of this.variableList) variable.dispose();
    this.flat.dispose();
  }

  private async step(
    optimizer: FlatOptimizer,
    source: FeatureSet,
    order: ArrayLike<number>,
    from: number,
    size: number,
    context: StepContext
  ): Promise<number> {
    const loss = tf.tidy(() => {
      const [x, y] = this.batchTensors(source, order, from, size);
      const { value, grads } = tf.variableGrads(() => this.objective(x, y), this.variableList);
      // Copies only when the adapter asks for them: the hook compares against pre-step values.
      const before = this.adapter.afterStep === undefined ? undefined : this.snapshot();
      this.setFlat(optimizer.update(this.flat, this.flatGradient(this.transformGradients(grads, context))));
      if (before !== undefined) this.afterStep(before, context);
      return value;
    });
    // Asynchronously: tfjs's WebGPU backend cannot hand a value back synchronously in every browser.
    const value = (await loss.data())[0] as number;
    loss.dispose();
    return value;
  }

  /**
   * The gradients concatenated in layout order. A tensor the loss does not reach has no gradient
   * and counts as 0 (tfjs's per-tensor optimisers skipped it instead, moments and all).
   */
  private flatGradient(grads: tf.NamedTensorMap): tf.Tensor1D {
    const pieces = this.layout.slots.map((slot) => {
      const gradient = grads[(this.variables.get(slot.spec.name) as tf.Variable).name];
      return gradient === undefined ? tf.zeros<tf.Rank.R1>([slot.size]) : tf.reshape<tf.Rank.R1>(gradient, [slot.size]);
    });
    return tf.concat(pieces);
  }

  /** Makes `flat` (kept, owned by the trainer from now on) the parameters, and the variables its pieces. */
  private setFlat(flat: tf.Tensor1D): void {
    // Through the host, not tf.split: the wasm backend's slice copies its whole input out of the
    // wasm heap for every piece, so one read here replaces one full copy per tensor.
    // A GPU backend cuts the pieces where the vector is, rather than wait to read it back.
    const values = tensorsOnHost() ? flat.dataSync() : undefined;
    tf.tidy(() => {
      for (const slot of this.layout.slots) {
        const piece =
          values === undefined
            ? tf.reshape(tf.slice(flat, slot.offset, slot.size), slot.spec.shape)
            : tf.tensor(values.subarray(slot.offset, slot.offset + slot.size), slot.spec.shape);
        (this.variables.get(slot.spec.name) as tf.Variable).assign(piece);
      }
    });
    if (flat !== this.flat) this.flat.dispose();
    this.flat = tf.keep(flat);
  }

  /**
   * The batch of examples `order[from] … order[from + size − 1]` as input and target tensors, with the
   * cached frozen outputs of the modules the input feeds. Call inside a `tf.tidy`.
   */
  private batchTensors(source: FeatureSet, order: ArrayLike<number>, from: number, size: number): [tf.Tensor2D, tf.Tensor2D] {
    this.buffer.fill(source, order, from, size);
    const x = tf.tensor2d(this.buffer.features(size), [size, this.buffer.featureSize]);
    this.batchInput = x;
    this.batchFrozen = this.frozenOutputs.batchOutputs(source, order, from, size, x);
    return [x, tf.tensor2d(this.buffer.targets(size), [size, this.buffer.numClasses])];
  }

  private objective(x: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
    const logits = this.base.forward(x, this.linear);
    const task = meanSoftmaxCrossEntropy(targets, logits);
    const extra = this.adapter.extraLoss?.(this.variables);
    return extra === undefined ? task : tf.add(task, extra);
  }

  /** Passes gradients through the adapter's transform, translating variable names to layout names and back. */
  private transformGradients(grads: tf.NamedTensorMap, context: StepContext): tf.NamedTensorMap {
    if (this.adapter.transformGradients === undefined) return grads;
    const byName = new Map<string, tf.Tensor>();
    for (const [name, variable] of this.variables) byName.set(name, grads[variable.name] as tf.Tensor);
    const transformed = this.adapter.transformGradients(byName, context);
    const out: tf.NamedTensorMap = {};
    for (const [name, gradient] of transformed) {
      const variable = this.variables.get(name);
      if (variable === undefined) {
        throw new ShapeError(
          `transformGradients returned a gradient for "${name}", which is not in the adapter layout; return only layout names.`
        );
      }
      out[variable.name] = gradient;
    }
    return out;
  }

  /** The trainable tensors' current values, keyed by layout name (copies, so a step cannot change them). */
  private snapshot(): Map<string, tf.Tensor> {
    return new Map([...this.variables].map(([name, variable]) => [name, tf.clone(variable)]));
  }

  /** Assigns the values the adapter's post-step hook returns. */
  private afterStep(before: ReadonlyMap<string, tf.Tensor>, context: StepContext): void {
    const replaced = this.adapter.afterStep?.(this.variables, before, context);
    for (const [name, value] of replaced ?? []) {
      const variable = this.variables.get(name);
      if (variable === undefined) {
        throw new ShapeError(
          `afterStep returned a value for "${name}", which is not in the adapter layout; return only layout names.`
        );
      }
      variable.assign(value);
    }
    if (replaced !== undefined && replaced.size > 0) {
      const pieces = this.layout.slots.map((slot) =>
        tf.reshape<tf.Rank.R1>(this.variables.get(slot.spec.name) as tf.Variable, [slot.size])
      );
      this.setFlat(tf.concat(pieces));
    }
  }

  private checkFeatures(data: FeatureSet): void {
    if (data.featureSize !== this.base.inputSize) {
      throw new ShapeError(
        `Examples have ${data.featureSize} features but the base model takes ${this.base.inputSize}; use features made for this base.`
      );
    }
  }

  private load(flat: Float32Array): void {
    // A copy: tf backends may keep the array they are given, and the caller owns `flat`.
    this.setFlat(tf.tensor1d(flat.slice()));
  }

  private async read(): Promise<Float32Array> {
    return Float32Array.from(await this.flat.data());
  }
}

/**
 * `frozen` with a `cachedOutput` that reports being read and holds nothing: the probe's way to learn
 * whether an adapter (or the frozen fallback) would use a cached output for a module.
 */
function watchedCachedOutput(frozen: FrozenLinear, onRead: () => void): FrozenLinear {
  return Object.defineProperty({ ...frozen }, 'cachedOutput', {
    enumerable: true,
    get: () => {
      onRead();
      return undefined;
    },
  });
}

/**
 * Whether tfjs's backend in use keeps tensors in host memory (wasm, cpu), where reading one back is
 * cheap and synchronous; a GPU backend's (WebGL, WebGPU) must wait for the GPU.
 */
function tensorsOnHost(): boolean {
  const backend = tf.getBackend();
  return backend === 'wasm' || backend === 'cpu';
}
