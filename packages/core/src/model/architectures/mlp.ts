import * as tf from '@tensorflow/tfjs-core';
import type { FrozenLinear, LinearModuleInfo } from '../../contracts/adapter.js';
import { CheckpointError, ConfigError } from '../../errors.js';
import { RandomStream, type RandomKey } from '../../random/counterRandom.js';
import type { Architecture } from './architecture.js';
import { disposeFrozen, frozenFromHost, type BaseModel, type HostLinear, type LinearFunction } from './baseModel.js';
import { linearInitBound, symmetricUniform } from '../adapters/init.js';

/** Shape of a multilayer perceptron: `fc1 … fcK` with ReLU after each, then `head`. */
export interface MlpConfig {
  inputSize: number;
  /** Widths of the hidden layers `fc1 … fcK`, e.g. `[256, 128]`. */
  hidden: readonly number[];
  /** Outputs of `head`. */
  numClasses: number;
}

/** Registry name of the MLP. */
export const MLP_ARCHITECTURE = 'mlp';

function mlpConfigProblem(config: MlpConfig): string | undefined {
  const isSize = (n: number): boolean => Number.isSafeInteger(n) && n > 0;
  if (!isSize(config.inputSize)) return `inputSize ${config.inputSize} is not a positive integer`;
  if (!isSize(config.numClasses)) return `numClasses ${config.numClasses} is not a positive integer`;
  if (config.hidden.length === 0 || !config.hidden.every(isSize)) {
    return `hidden [${config.hidden.join(', ')}] is not a non-empty list of positive integers`;
  }
  return undefined;
}

/** The MLP's linear modules in forward order: `fc1 … fcK`, then `head`. */
export function mlpModules(config: MlpConfig): LinearModuleInfo[] {
  const problem = mlpConfigProblem(config);
  if (problem !== undefined) throw new ConfigError(`MLP: ${problem}; fix the model settings.`);
  const widths = [config.inputSize, ...config.hidden];
  const hiddenModules = config.hidden.map((width, i) => ({
    name: `fc${i + 1}`,
    inFeatures: widths[i] as number,
    outFeatures: width,
    isHead: false,
  }));
  const head = {
    name: 'head',
    inFeatures: widths[widths.length - 1] as number,
    outFeatures: config.numClasses,
    isHead: true,
  };
  return [...hiddenModules, head];
}

/** The metadata entries that rebuild an MLP (numbers as decimal strings, `hidden` as a JSON array). */
export function mlpMetadata(config: MlpConfig): Record<string, string> {
  return {
    architecture: MLP_ARCHITECTURE,
    inputSize: String(config.inputSize),
    hidden: JSON.stringify(config.hidden),
    numClasses: String(config.numClasses),
  };
}

function parseMlpMetadata(metadata: Readonly<Record<string, string>>, source: string): MlpConfig {
  let hidden: unknown;
  try {
    hidden = JSON.parse(metadata['hidden'] ?? 'null');
  } catch {
    hidden = null;
  }
  const config: MlpConfig = {
    inputSize: Number(metadata['inputSize']),
    hidden: Array.isArray(hidden) ? hidden.map(Number) : [],
    numClasses: Number(metadata['numClasses']),
  };
  const problem = mlpConfigProblem(config);
  if (problem !== undefined) {
    throw new CheckpointError(
      `${source}: MLP metadata ${problem} (inputSize=${metadata['inputSize']}, hidden=${metadata['hidden']}, numClasses=${metadata['numClasses']}); save the model with saveBaseModel.`
    );
  }
  return config;
}

class Mlp implements BaseModel {
  readonly architecture = MLP_ARCHITECTURE;
  readonly modules: readonly LinearModuleInfo[];
  readonly frozen: ReadonlyMap<string, FrozenLinear>;
  readonly inputSize: number;
  readonly numClasses: number;
  readonly metadata: Readonly<Record<string, string>>;

  constructor(config: MlpConfig, weights: ReadonlyMap<string, HostLinear>, metadata: Readonly<Record<string, string>>) {
    this.modules = mlpModules(config);
    this.frozen = frozenFromHost(this.modules, weights);
    this.inputSize = config.inputSize;
    this.numClasses = config.numClasses;
    // The architecture's own entries win, so metadata always rebuilds this very model.
    this.metadata = { ...metadata, ...mlpMetadata(config) };
  }

  forward(x: tf.Tensor2D, linear: LinearFunction): tf.Tensor2D {
    let h = x;
    for (const module of this.modules) {
      const y = linear(module, h);
      h = module.isHead ? y : tf.relu(y);
    }
    return h;
  }

  dispose(): void {
    disposeFrozen(this.frozen);
  }
}

/**
 * An MLP with the given weights (copied into tf tensors). `metadata` adds provenance, such as the
 * upstream classes; the architecture's own entries are always set.
 */
export function createMlp(
  config: MlpConfig,
  weights: ReadonlyMap<string, HostLinear>,
  metadata: Readonly<Record<string, string>> = {}
): BaseModel {
  return new Mlp(config, weights, metadata);
}

/** PyTorch-default initial weights for an MLP, drawn module by module (weight, then bias) from `random`. */
export function initialMlpWeights(config: MlpConfig, random: RandomKey): Map<string, HostLinear> {
  const stream = new RandomStream(random);
  return new Map(
    mlpModules(config).map((module) => {
      const bound = linearInitBound(module.inFeatures);
      const weight = symmetricUniform(stream, module.outFeatures * module.inFeatures, bound);
      const bias = symmetricUniform(stream, module.outFeatures, bound);
      return [module.name, { weight, bias }];
    })
  );
}

/** The MLP entry of the architecture registry. */
export const mlpArchitecture: Architecture = {
  name: MLP_ARCHITECTURE,
  modulesOf: (metadata, source) => mlpModules(parseMlpMetadata(metadata, source)),
  build: (metadata, weights) => createMlp(parseMlpMetadata(metadata, 'MLP metadata'), weights, metadata),
};
