import type { AdapterOptions } from '../../contracts/adapter.js';
import type { FactoryContext } from '../../contracts/tokens.js';
import type { FeatureSet } from '../../data/types.js';
import type { TfBackendChoice } from '../../model/training/tfBackend.js';
import type { TrainingOptions } from '../../model/training/trainer.js';

/** The adapter a worker builds, named as the experiment file names it. */
export interface AdapterRecipe {
  /** Registered adapter name (`lora`, `head`, or a plugin's). */
  name: string;
  /** Options for the named factory: the experiment's `adapter.options`. */
  options: Readonly<Record<string, unknown>>;
  /** The context the main thread's factory was given. */
  context: FactoryContext;
  /** Rank, alpha, target modules, classes and initialisation key of the instance; its own options are in `options`. */
  settings: AdapterOptions;
}

/**
 * Everything a training worker needs to build its `LocalTrainer`, sent once when it starts. It is
 * plain data, so it crosses threads by structured clone; components travel as names and are built
 * again in each worker, from the same plugin packages as the main thread.
 */
export interface TrainingWorkerRecipe {
  /**
   * The tfjs backend. Pass the name the main thread's `useTfBackend` returned rather than `auto`,
   * so a worker where wasm cannot start fails instead of training on other kernels.
   */
  tfBackend: TfBackendChoice;
  /** Path of the frozen base's safetensors file (or Hugging Face model folder); each worker loads it once. */
  baseModelPath: string;
  /** Set for a Hugging Face model folder: the context length to load it at (the pool's feature size). */
  baseContextLength?: number;
  adapter: AdapterRecipe;
  /** Plugin packages, as the experiment lists them (core's components are always there). */
  plugins: readonly string[];
  /** Folder plugin packages are resolved from: the experiment file's folder. */
  resolveFrom: string;
  training: TrainingOptions;
  /**
   * The examples every client slot indexes into. Its arrays should live in `SharedArrayBuffer`s
   * (see `shareFeatureSet`), or each worker receives its own copy.
   */
  pool: FeatureSet;
}
