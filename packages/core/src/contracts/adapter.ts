import type * as tf from '@tensorflow/tfjs-core';
import type { RandomKey } from '../random/counterRandom.js';

/** A linear module of the frozen base model, found by name (as PEFT's `target_modules`). */
export interface LinearModuleInfo {
  /** Dotted module name, e.g. `fc1` or `blocks.0.attn.q`. */
  name: string;
  inFeatures: number;
  outFeatures: number;
  /** True for the classification head (the module PEFT lists in `modules_to_save`). */
  isHead: boolean;
}

/** One named tensor of the flat trainable vector; the flat vector is their concatenation in order. */
export interface ParameterSpec {
  /** PEFT-style key, e.g. `fc1.lora_A.weight`, `head.weight`. */
  name: string;
  /** Row-major shape, PyTorch layout (`[out, in]` for weights). */
  shape: number[];
}

/** The frozen weights of one linear module: weight is `[out, in]`, bias `[out]`. */
export interface FrozenLinear {
  weight: tf.Tensor2D;
  bias: tf.Tensor1D | undefined;
}

/** Per-step information handed to gradient transforms. */
export interface StepContext {
  /** Optimiser step within this local training run, from 0. */
  step: number;
  /** Random key for this client and round; adapters pick their own `stream`. */
  random: RandomKey;
  /**
   * The flat parameters this local training run started from (the round's global model), for
   * transforms fixed before training, such as a mask chosen from the starting weights. Read-only.
   */
  startParameters?: Float32Array;
}

/**
 * How a frozen base becomes trainable. An adapter never knows the architecture: it sees only
 * named linear modules, and overrides the ones it targets.
 */
export interface Adapter {
  readonly name: string;
  /** Builds the adapter for a base model's linear modules. Throws if a target module is missing. */
  create(modules: readonly LinearModuleInfo[], options: AdapterOptions): AdapterInstance;
}

/** Options every LoRA-family adapter understands; plugins may read extra keys. */
export interface AdapterOptions {
  rank: number;
  alpha: number;
  /** Module names to adapt; `undefined` means every non-head linear module. */
  targetModules?: readonly string[] | undefined;
  /** Number of classes of the downstream head. */
  numClasses: number;
  /** Key for initialisation draws (A's init, a fresh head). */
  random: RandomKey;
  /** Adapter-specific options, validated by the adapter itself. */
  extra?: Readonly<Record<string, unknown>>;
}

/** The trainable state of one adapter on one base. */
export interface AdapterInstance {
  /** Flat layout of every trainable tensor, in order. */
  readonly layout: readonly ParameterSpec[];
  /** Initial values of the flat trainable vector. */
  initialParameters(base: ReadonlyMap<string, FrozenLinear>): Float32Array;
  /**
   * Computes a linear module's output given the current trainable tensors (keyed by
   * {@link ParameterSpec.name}), or returns `undefined` to leave the frozen module as it is.
   */
  linear(
    module: LinearModuleInfo,
    x: tf.Tensor2D,
    frozen: FrozenLinear,
    params: ReadonlyMap<string, tf.Tensor>,
  ): tf.Tensor2D | undefined;
  /** Extra loss terms added to the task loss (a regulariser), or `undefined`. */
  extraLoss?(params: ReadonlyMap<string, tf.Tensor>): tf.Scalar | undefined;
  /** Transforms gradients before the optimiser step (a gradient mask), returning new tensors. */
  transformGradients?(
    grads: ReadonlyMap<string, tf.Tensor>,
    context: StepContext,
  ): Map<string, tf.Tensor>;
  /**
   * Adjusts trainable tensors after each optimiser step (a hard freeze, a projection). Receives
   * the tensors after the step and their values just before it, keyed by layout name, and returns
   * new values for the tensors it changes; the trainer assigns them before the next step.
   */
  afterStep?(
    params: ReadonlyMap<string, tf.Tensor>,
    before: ReadonlyMap<string, tf.Tensor>,
    context: StepContext,
  ): Map<string, tf.Tensor>;
  /** Effective dense weight deltas per adapted module (`[out, in]`), for merging and metrics. */
  mergedDeltas?(params: Float32Array): Map<string, Float32Array>;
  /**
   * Named scalar diagnostics of the global parameters (an effective rank, say), computed at each
   * evaluation and written to the ledger row's `metrics`.
   */
  metrics?(params: Float32Array): Record<string, number>;
}
