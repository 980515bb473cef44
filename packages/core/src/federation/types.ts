import type { ClientData, FeatureSet } from '../data/types.js';
import type { TaskSpec } from '../experiment/schema.js';
import type { BaseModel } from '../model/architectures/baseModel.js';

/** One downstream task: its test images and class count. */
export interface FederationTask {
  spec: TaskSpec;
  numClasses: number;
  test: FeatureSet;
  /** Test images to evaluate on (a stratified subset when `testLimit` is set). */
  testIndices: Uint32Array | undefined;
  /** A next-byte task: the ledger reports its perplexity, exp(test cross-entropy). */
  languageModel?: boolean;
}

/** A client and its adapter slots (one per task it trains, or one shared slot). */
export interface FederatedClient {
  clientId: number;
  slots: ClientData[];
}

/** The data, clients and frozen base every run of one experiment shares. */
export interface Federation {
  /**
   * Every task's training features; task t's images are rows [t·n, (t+1)·n). Held in shared
   * memory, so training worker threads read this one copy.
   */
  pool: FeatureSet;
  tasks: FederationTask[];
  /**
   * Which tasks each client holds (ground truth, for evaluation only): none for a client every
   * share of which a Dirichlet partition's `dropBelow` emptied.
   */
  clientTasks: number[][];
  /** Pool indices of each client's images of each task, keyed `client/task`: views into one shared buffer. */
  shares: ReadonlyMap<string, Uint32Array>;
  base: BaseModel;
  /** The frozen base's file (or Hugging Face model folder), which training workers load for themselves. */
  basePath: string;
  /** Set when the base is a Hugging Face model folder: the context length workers load it at. */
  baseContextLength?: number;
  /**
   * Modules adapters target when `adapter.targetModules` is absent: a Hugging Face family's PEFT
   * defaults. Absent for fedtune's own bases, whose adapters target every module but the head.
   */
  defaultTargetModules?: readonly string[];
  /**
   * The base's head already computes the task's outputs (a causal LM's next-token logits), so
   * adapters keep it frozen, as PEFT leaves `lm_head`, rather than train and upload it.
   */
  frozenHead?: boolean;
  /**
   * A trained head is a weight without a bias, as a Hugging Face base's
   * `…ForSequenceClassification` head (`score`) is, so it exports as PEFT's `SEQ_CLS` head.
   */
  headWithoutBias?: boolean;
  /** What loading the base did that the user should know (a Hugging Face folder's weights widened to float32). */
  baseNotes?: readonly string[];
  /** Dataset and kind of source (`fashion-mnist embedded`), without folder names. */
  dataOrigin: string;
  tfBackend: string;
}
