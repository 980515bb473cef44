import * as tf from '@tensorflow/tfjs-core';
import type { FrozenLinear, LinearModuleInfo } from '../../contracts/adapter.js';
import { BYTE_CLASSES, BYTE_VOCABULARY_SIZE, PAD_TOKEN } from '../../data/text/byteTokenizer.js';
import { CheckpointError, ConfigError, ShapeError } from '../../errors.js';
import { RandomStream, type RandomKey } from '../../random/counterRandom.js';
import type { Architecture } from './architecture.js';
import {
  disposeFrozen,
  frozenFromHost,
  type BaseModel,
  type HostLinear,
  type HostTensor,
  type LinearFunction,
} from './baseModel.js';
import { causalMask, causalSelfAttention, gelu, lastPositionRows, layerNorm, readOutAttention } from './transformerLayers.js';

/**
 * Shape of a decoder-only transformer over token ids: token embeddings plus learned positions,
 * `layers` pre-LayerNorm blocks (causal multi-head self-attention, then a GELU MLP, each added to
 * the residual stream), a final LayerNorm and the linear `head`.
 */
export interface TransformerConfig {
  /** Tokens the embedding table holds. */
  vocabSize: number;
  /** The token that pads a sequence on the right; the prediction is read at the last other token. */
  padToken: number;
  /** Tokens per example, the model's input size and the number of learned positions. */
  contextLength: number;
  /** Width of the residual stream. */
  dModel: number;
  layers: number;
  /** Attention heads per block; each is `dModel / heads` wide. */
  heads: number;
  /** Width of each block's MLP (`fc1`'s outputs). */
  mlpHidden: number;
  /** Outputs of `head`. */
  numClasses: number;
}

/** Registry name of the transformer. */
export const TRANSFORMER_ARCHITECTURE = 'transformer';

/** The sizes a byte-level transformer is chosen by; the rest follows from the byte tokenizer. */
export interface ByteTransformerSize {
  contextLength: number;
  dModel: number;
  layers: number;
  heads: number;
  /** Default 4·dModel, as in GPT-2. */
  mlpHidden?: number;
  /** Default 256: one output per byte, a next-byte model. */
  numClasses?: number;
}

/** A transformer over the byte tokenizer's vocabulary (bytes, PAD and BOS). */
export function byteTransformerConfig(size: ByteTransformerSize): TransformerConfig {
  return {
    vocabSize: BYTE_VOCABULARY_SIZE,
    padToken: PAD_TOKEN,
    contextLength: size.contextLength,
    dModel: size.dModel,
    layers: size.layers,
    heads: size.heads,
    mlpHidden: size.mlpHidden ?? 4 * size.dModel,
    numClasses: size.numClasses ?? BYTE_CLASSES,
  };
}

const CONFIG_KEYS = [
  'vocabSize',
  'padToken',
  'contextLength',
  'dModel',
  'layers',
  'heads',
  'mlpHidden',
  'numClasses',
] as const;

function transformerConfigProblem(config: TransformerConfig): string | undefined {
  for (const key of CONFIG_KEYS) {
    const value = config[key];
    const ok = key === 'padToken' ? Number.isSafeInteger(value) && value >= 0 : Number.isSafeInteger(value) && value > 0;
    if (!ok) return `${key} ${value} is not a ${key === 'padToken' ? 'non-negative' : 'positive'} integer`;
  }
  if (config.padToken >= config.vocabSize) return `padToken ${config.padToken} is outside the vocabulary of ${config.vocabSize}`;
  if (config.dModel % config.heads !== 0) return `dModel ${config.dModel} is not a multiple of heads ${config.heads}`;
  return undefined;
}

function checkConfig(config: TransformerConfig): void {
  const problem = transformerConfigProblem(config);
  if (problem !== undefined) throw new ConfigError(`Transformer: ${problem}; fix the model settings.`);
}

/** Block `i`'s prefix in module and tensor names, PyTorch-style. */
function block(i: number): string {
  return `blocks.${i}`;
}

/**
 * The linear modules in forward order, named as PEFT's `target_modules` would name them: per block
 * `blocks.<i>.attn.q`, `.k`, `.v`, `.o`, `blocks.<i>.mlp.fc1`, `.fc2`; then `head`.
 */
export function transformerModules(config: TransformerConfig): LinearModuleInfo[] {
  checkConfig(config);
  const { dModel: d, mlpHidden } = config;
  const linear = (name: string, inFeatures: number, outFeatures: number): LinearModuleInfo => ({
    name,
    inFeatures,
    outFeatures,
    isHead: false,
  });
  const modules = Array.from({ length: config.layers }, (_, i) => [
    linear(`${block(i)}.attn.q`, d, d),
    linear(`${block(i)}.attn.k`, d, d),
    linear(`${block(i)}.attn.v`, d, d),
    linear(`${block(i)}.attn.o`, d, d),
    linear(`${block(i)}.mlp.fc1`, d, mlpHidden),
    linear(`${block(i)}.mlp.fc2`, mlpHidden, d),
  ]).flat();
  return [...modules, { name: 'head', inFeatures: d, outFeatures: config.numClasses, isHead: true }];
}

/**
 * The frozen tensors outside the linear modules: `embed.weight` `[vocab, dModel]`, `pos.weight`
 * `[contextLength, dModel]`, per block `blocks.<i>.ln1` and `.ln2` (weight and bias, `[dModel]`),
 * and `ln_f.weight`, `ln_f.bias`.
 */
export function transformerTensorShapes(config: TransformerConfig): Map<string, number[]> {
  checkConfig(config);
  const d = config.dModel;
  const shapes = new Map<string, number[]>([
    ['embed.weight', [config.vocabSize, d]],
    ['pos.weight', [config.contextLength, d]],
  ]);
  const norms = [...Array.from({ length: config.layers }, (_, i) => [`${block(i)}.ln1`, `${block(i)}.ln2`]).flat(), 'ln_f'];
  for (const norm of norms) shapes.set(`${norm}.weight`, [d]).set(`${norm}.bias`, [d]);
  return shapes;
}

/** The metadata entries that rebuild a transformer (numbers as decimal strings). */
export function transformerMetadata(config: TransformerConfig): Record<string, string> {
  const entries: Record<string, string> = { architecture: TRANSFORMER_ARCHITECTURE, activation: 'gelu-tanh' };
  for (const key of CONFIG_KEYS) entries[key] = String(config[key]);
  return entries;
}

function parseTransformerMetadata(metadata: Readonly<Record<string, string>>, source: string): TransformerConfig {
  const read = (key: (typeof CONFIG_KEYS)[number]) => {
    const text = metadata[key];
    return text !== undefined && /^\d+$/.test(text) ? Number(text) : Number.NaN;
  };
  const config = Object.fromEntries(CONFIG_KEYS.map((key) => [key, read(key)])) as unknown as TransformerConfig;
  const problem = transformerConfigProblem(config);
  if (problem !== undefined) {
    throw new CheckpointError(
      `${source}: transformer metadata ${problem} (${CONFIG_KEYS.map((key) => `${key}=${metadata[key]}`).join(
        ', '
      )}); save the model with saveBaseModel.`
    );
  }
  return config;
}

/**
 * The residual stream after the final LayerNorm, `[batch·contextLength, dModel]` (example-major),
 * for token ids `[batch, contextLength]` (floats, as feature sets store them). `tensor(name)` gives
 * the non-linear tensors of {@link transformerTensorShapes}; `linear` computes every linear module
 * but `head`. Shared by the frozen model and by pre-training, which passes trainable tensors.
 *
 * With `readOut` (one row index per example, as {@link lastPositionRows} gives), only those rows
 * are returned, `[batch, dModel]`: the last block then attends from those positions alone and runs
 * its projections and MLP on `batch` rows instead of `batch·contextLength` — the same values, as every
 * position's output depends only on its own query row, at a fraction of the block's work.
 */
export function transformerHidden(
  config: TransformerConfig,
  modules: readonly LinearModuleInfo[],
  tensor: (name: string) => tf.Tensor,
  ids: tf.Tensor2D,
  linear: LinearFunction,
  readOut?: tf.Tensor1D
): tf.Tensor2D {
  const [batch, length] = ids.shape;
  if (length !== config.contextLength) {
    throw new ShapeError(
      `Token sequences have ${length} positions but the transformer takes ${config.contextLength}; pad or cut them to that length.`
    );
  }
  const d = config.dModel;
  const heads = config.heads;
  const rows = batch * length;
  const byName = new Map(modules.map((module) => [module.name, module]));
  const project = (name: string, x: tf.Tensor2D) => linear(byName.get(name) as LinearModuleInfo, x);
  const tokens = tf.reshape(tf.cast(ids, 'int32'), [rows]);
  // Positions broadcast over the batch; reshaping around the sum avoids a tile and its gradient.
  const embedded = tf.reshape(tf.gather(tensor('embed.weight'), tokens), [batch, length, d]);
  let stream = tf.reshape(tf.add(embedded, tensor('pos.weight')), [rows, d]) as tf.Tensor2D;
  const attention = { batch, length, heads, mask: causalMask(length), scale: 1 / Math.sqrt(d / heads) };
  for (let i = 0; i < config.layers; i++) {
    const prefix = block(i);
    const normed = layerNorm(stream, tensor(`${prefix}.ln1.weight`), tensor(`${prefix}.ln1.bias`));
    // From the last block on, a read-out keeps its rows alone; keys and values still cover every position.
    const lastRowsOnly = readOut !== undefined && i === config.layers - 1;
    const queries = project(`${prefix}.attn.q`, lastRowsOnly ? tf.gather(normed, readOut) : normed);
    const keys = project(`${prefix}.attn.k`, normed);
    const values = project(`${prefix}.attn.v`, normed);
    const attended = lastRowsOnly
      ? readOutAttention(queries, keys, values, readOut, attention)
      : causalSelfAttention(queries, keys, values, attention);
    if (lastRowsOnly) stream = tf.gather(stream, readOut);
    stream = tf.add(stream, project(`${prefix}.attn.o`, attended));
    const normed2 = layerNorm(stream, tensor(`${prefix}.ln2.weight`), tensor(`${prefix}.ln2.bias`));
    const hidden = gelu(project(`${prefix}.mlp.fc1`, normed2));
    stream = tf.add(stream, project(`${prefix}.mlp.fc2`, hidden));
  }
  return layerNorm(stream, tensor('ln_f.weight'), tensor('ln_f.bias'));
}

/** The tensor `name` of `tensors`; a {@link ShapeError} when absent. */
function tensorOf(tensors: ReadonlyMap<string, tf.Tensor>, name: string): tf.Tensor {
  const found = tensors.get(name);
  if (found === undefined) {
    throw new ShapeError(`The transformer has no tensor "${name}"; build it with createTransformer from a full set of tensors.`);
  }
  return found;
}

class Transformer implements BaseModel {
  readonly architecture = TRANSFORMER_ARCHITECTURE;
  readonly modules: readonly LinearModuleInfo[];
  readonly frozen: ReadonlyMap<string, FrozenLinear>;
  readonly frozenTensors: ReadonlyMap<string, tf.Tensor>;
  readonly inputSize: number;
  readonly numClasses: number;
  readonly metadata: Readonly<Record<string, string>>;
  private readonly head: LinearModuleInfo;

  constructor(
    readonly config: TransformerConfig,
    weights: ReadonlyMap<string, HostLinear>,
    tensors: ReadonlyMap<string, HostTensor>,
    metadata: Readonly<Record<string, string>>
  ) {
    this.modules = transformerModules(config);
    const shapes = transformerTensorShapes(config);
    for (const [name, shape] of shapes) {
      const host = tensors.get(name);
      const size = shape.reduce((a, b) => a * b, 1);
      if (host === undefined || host.data.length !== size) {
        throw new ShapeError(
          `Transformer tensor "${name}" ${host === undefined ? 'is missing' : `has ${host.data.length} values`}; ` +
            `[${shape.join(', ')}] needs ${size}. Pass one entry per name of transformerTensorShapes.`
        );
      }
    }
    this.frozen = frozenFromHost(this.modules, weights);
    this.frozenTensors = new Map(
      [...shapes].map(([name, shape]) => [name, tf.tensor((tensors.get(name) as HostTensor).data.slice(), shape)])
    );
    this.head = this.modules[this.modules.length - 1] as LinearModuleInfo;
    this.inputSize = config.contextLength;
    this.numClasses = config.numClasses;
    // The architecture's own entries win, so metadata always rebuilds this very model.
    this.metadata = { ...metadata, ...transformerMetadata(config) };
  }

  forward(x: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D {
    const readOut = lastPositionRows(x, this.config.padToken);
    return linear(this.head, transformerHidden(this.config, this.modules, (name) => tensorOf(this.frozenTensors, name), x, linear, readOut));
  }

  /** Head outputs at every position, `[batch·contextLength, numClasses]`: the next-token logits of a language model. */
  positionLogits(x: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D {
    const hidden = transformerHidden(this.config, this.modules, (name) => tensorOf(this.frozenTensors, name), x, linear);
    return linear(this.head, hidden);
  }

  dispose(): void {
    disposeFrozen(this.frozen);
    for (const tensor of this.frozenTensors.values()) tensor.dispose();
  }
}

/** Whether `model` is a transformer made by {@link createTransformer} (so it has `config` and `positionLogits`). */
export function isTransformer(model: BaseModel): model is Transformer {
  return model instanceof Transformer;
}

/**
 * A transformer with the given linear weights and other tensors (copied into tf tensors).
 * `metadata` adds provenance; the architecture's own entries are always set.
 */
export function createTransformer(
  config: TransformerConfig,
  weights: ReadonlyMap<string, HostLinear>,
  tensors: ReadonlyMap<string, HostTensor>,
  metadata: Readonly<Record<string, string>> = {}
): BaseModel & { readonly config: TransformerConfig; positionLogits: Transformer['positionLogits'] } {
  return new Transformer(config, weights, tensors, metadata);
}

/** GPT-2's initial standard deviation for weights and embeddings. */
const INIT_STD = 0.02;

/**
 * GPT-2's initial weights, drawn from `random`: every weight and embedding N(0, 0.02²), the
 * projections into the residual stream (`attn.o`, `mlp.fc2`) scaled by 1/√(2·layers) so the stream's
 * variance does not grow with depth, biases 0, layer norms the identity. Drawn module by module in
 * forward order, then the other tensors in {@link transformerTensorShapes} order.
 */
export function initialTransformerWeights(
  config: TransformerConfig,
  random: RandomKey
): { weights: Map<string, HostLinear>; tensors: Map<string, HostTensor> } {
  const stream = new RandomStream(random);
  const normal = (count: number, std: number) => Float32Array.from({ length: count }, () => std * stream.normal());
  const residualStd = INIT_STD / Math.sqrt(2 * config.layers);
  const weights = new Map<string, HostLinear>(
    transformerModules(config).map((module) => {
      const std = /\.(attn\.o|mlp\.fc2)$/.test(module.name) ? residualStd : INIT_STD;
      const weight = normal(module.outFeatures * module.inFeatures, std);
      return [module.name, { weight, bias: new Float32Array(module.outFeatures) }];
    })
  );
  const tensors = new Map<string, HostTensor>(
    [...transformerTensorShapes(config)].map(([name, shape]) => {
      const size = shape.reduce((a, b) => a * b, 1);
      let data: Float32Array;
      if (name === 'embed.weight' || name === 'pos.weight') data = normal(size, INIT_STD);
      else data = name.endsWith('.weight') ? new Float32Array(size).fill(1) : new Float32Array(size);
      return [name, { shape, data }];
    })
  );
  return { weights, tensors };
}

/** The transformer entry of the architecture registry. */
export const transformerArchitecture: Architecture = {
  name: TRANSFORMER_ARCHITECTURE,
  modulesOf: (metadata, source) => transformerModules(parseTransformerMetadata(metadata, source)),
  tensorShapesOf: (metadata, source) => transformerTensorShapes(parseTransformerMetadata(metadata, source)),
  build: (metadata, weights, tensors) =>
    createTransformer(parseTransformerMetadata(metadata, 'transformer metadata'), weights, tensors, metadata),
};
