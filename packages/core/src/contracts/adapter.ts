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
  /**
   * The module's frozen output x·Wᵀ + b for `input`, when the trainer already holds it: a module fed
   * the network's own input gives each example the same frozen output in every step, epoch and
   * round, so the trainer computes it once per example. Given only where nothing trainable lies
   * upstream of `input` (no input gradient is needed). An adapter that adds to the frozen output of
   * this same `input` should use it rather than recompute the product, as `frozenLinear` does; an
   * adapter that feeds the module something else (a masked or noised input) must not.
   */
  cachedOutput?: { input: tf.Tensor2D; output: tf.Tensor2D };
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
 * named linear modules, and overrides the ones it targets. Its own options (`adapter.options` in
 * the experiment file) reach it one way only: its `NamedFactory` validates them (zod, through
 * `parseOptions`, refusing unknown keys) and returns an `Adapter` bound to them, so the engine never
 * reads an adapter-specific option.
 */
export interface Adapter {
  readonly name: string;
  /** Builds the adapter for a base model's linear modules. Throws if a target module is missing. */
  create(modules: readonly LinearModuleInfo[], options: AdapterOptions): AdapterInstance;
}

/**
 * The settings of one adapter instance that every adapter receives alike: the experiment's
 * `adapter` block (rank, alpha, targets) and the task. Adapter-specific options are not here: the
 * factory bound them into the {@link Adapter}. Plain data, so it crosses to training workers.
 */
export interface AdapterOptions {
  rank: number;
  alpha: number;
  /** Module names to adapt; `undefined` means every non-head linear module. */
  targetModules?: readonly string[] | undefined;
  /** Number of classes of the downstream head. */
  numClasses: number;
  /**
   * Keep the base's head frozen instead of training it: set where its outputs are already the
   * task's (a causal LM's next-token logits, `numClasses` of them), as PEFT leaves `lm_head`.
   * Absent or false, the head is trained (and resized to `numClasses`). LoRA and the adapters built
   * on it honour it; `head`, which exists to train the head, does not.
   */
  frozenHead?: boolean;
  /**
   * Train the head as a weight alone, without a bias: set for a Hugging Face base, whose
   * `…ForSequenceClassification` head (`score`, `Linear(hidden, num_labels, bias=False)`) has
   * none, so the trained head is the one transformers computes with. Absent or false, the head
   * has a weight and a bias.
   */
  headWithoutBias?: boolean;
  /** Key for initialisation draws (A's init, a fresh head). */
  random: RandomKey;
}

/**
 * How an adapter instance is written as a PEFT LoRA adapter (the fields of `adapter_config.json`
 * that describe it). Its flat layout must then be PEFT's: `<m>.lora_A.weight` (`[r, in]`) and
 * `<m>.lora_B.weight` (`[out, r]`) per target module, `<m>.weight` and (unless
 * {@link AdapterOptions.headWithoutBias}) `<m>.bias` per saved module.
 */
export interface PeftLoraForm {
  /** `r`. */
  rank: number;
  /** `lora_alpha`. */
  alpha: number;
  /** `use_rslora`: the update is scaled by α/√r instead of α/r. */
  useRsLora: boolean;
  /** `target_modules`, in model order. */
  targetModules: readonly string[];
  /** `modules_to_save`: modules trained in full (the classification head), at their trained shape. */
  modulesToSave: readonly string[];
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
  /**
   * This instance in PEFT's LoRA form, for the export of the final adapter; absent where PEFT's
   * LoRA cannot express it (a head-only fine-tune), and then nothing is exported.
   */
  readonly peftLora?: PeftLoraForm;
  /**
   * The settings of the leading rank-`rank` slice of this instance (HeteroFL's nested sub-model,
   * for `adapter.clientRanks`): created by the same {@link Adapter}, the slice computes exactly the
   * first `rank` terms of this instance's update, and its layout nests in this one's. Absent when
   * the adapter has no rank slices, and the engine refuses `clientRanks`.
   * @throws ConfigError for a rank that is not a positive integer at most this instance's rank.
   */
  sliceSettings?(rank: number): AdapterOptions;
  /** Effective dense weight deltas per adapted module (`[out, in]`), for merging and metrics. */
  mergedDeltas?(params: Float32Array): Map<string, Float32Array>;
  /**
   * Named scalar diagnostics of the global parameters (an effective rank, say), computed at each
   * evaluation and written to the ledger row's `metrics`.
   */
  metrics?(params: Float32Array): Record<string, number>;
}
