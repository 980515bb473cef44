import { statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CheckpointError, ConfigError } from '../../../errors.js';
import type { HostTensor } from '../../architectures/baseModel.js';
import type { CausalLanguageModel, HfArchitecture } from '../../architectures/huggingface/hfArchitecture.js';
import { hfArchitectureFor, hfClassName } from '../../architectures/huggingface/hfArchitectureRegistry.js';
import { decodeTensorValues } from '../safetensorsCodec.js';
import { readHfJsonObject } from './hfJsonFile.js';
import { shardTensors } from './hfShardTensors.js';
import { planTensors, type HfWeightDtype, type StoredTensor, type TensorPlan } from './hfTensorPlan.js';
import { locateWeightFiles, type WeightFiles } from './hfWeightFiles.js';
import { closeShard, openShard, readEntryBytes, type OpenShard } from './safetensorsShard.js';

/** The model's settings file in a Hugging Face folder. */
export const HF_CONFIG_FILE = 'config.json';
/** Largest config.json read: real ones are a few kilobytes. */
export const MAX_HF_CONFIG_BYTES = 4 * 1024 * 1024;

/** Options of {@link loadHfModel}. */
export interface HfLoadOptions {
  /**
   * Longest token sequence the loaded model takes (its `contextLength` and `inputSize`): a
   * positive integer at most the family's maximum for the config, which is the default. A caller
   * whose choice depends on that maximum gives a function of it (and of config.json's path, for
   * its messages), called once config.json is read and before any weight is.
   */
  contextLength?: number | ((maximum: number, configPath: string) => number);
}

/** A model loaded from a Hugging Face folder. */
export interface LoadedHfModel {
  model: CausalLanguageModel;
  /** The family that read the folder. */
  architecture: HfArchitecture;
  /** config.json as the family parsed it. */
  config: unknown;
  /** config.json as read, for the fields no family parses (`bos_token_id`, `_name_or_path`). */
  configJson: Readonly<Record<string, unknown>>;
  /** What the user should know about the load: dtypes widened, tensors dropped, files ignored. */
  notes: string[];
}

/**
 * Loads the decoder-only language model in the Hugging Face folder `folder`: `config.json`, and
 * the weights as `model.safetensors` or as shards listed by `model.safetensors.index.json` (all
 * inside the folder). config.json's `architectures[0]` (or, failing that, `model_type`) picks the
 * registered family (see `registerHfArchitecture`), which parses the config, names and shapes the
 * tensors and builds the model.
 *
 * Every shard's header is checked against the file's length, the other shards and the index, and
 * every tensor against the family's names, shapes and dtypes, before any tensor data is read; then
 * each tensor is read on its own and decoded, so memory peaks near the float32 weights plus one
 * tensor's stored bytes. F32 weights are kept; F16 and BF16 are widened to float32 (exactly), with
 * a note per dtype; any other dtype is refused, unless the family drops the tensor (a buffer such
 * as a causal mask), which is then never decoded.
 *
 * @throws CheckpointError naming the file, the problem and the fix, for a missing or malformed
 *   folder, config.json, index or shard, an unknown family, or weights that do not match the config.
 * @throws ConfigError when `options.contextLength` is not a positive integer within the family's maximum.
 */
export async function loadHfModel(folder: string, options: HfLoadOptions = {}): Promise<LoadedHfModel> {
  checkFolder(folder);
  const configPath = join(folder, HF_CONFIG_FILE);
  const json = readConfig(configPath);
  const architecture = hfArchitectureFor(json, configPath);
  const config = architecture.parseConfig(json, configPath);
  const maximum = architecture.maxContextLength(config);
  const requested = typeof options.contextLength === 'function' ? options.contextLength(maximum, configPath) : options.contextLength;
  const contextLength = chosenContextLength(requested, maximum, configPath);
  const notes: string[] = [];
  const className = hfClassName(json);
  const loadedClass =
    className !== undefined && architecture.classNames.includes(className) ? className : architecture.classNames[0];
  if (className !== undefined && className !== loadedClass) {
    notes.push(
      `${HF_CONFIG_FILE} names class ${className}, which fedtune does not load; loaded the weights as ${loadedClass} (model_type "${architecture.modelType}")`
    );
  }
  const weights = locateWeightFiles(folder);
  notes.push(...weights.notes);
  const tensors = readWeights(folder, weights, (stored) => planTensors(architecture, config, stored, json, weights.source), notes);
  const nameOrPath = json['_name_or_path'];
  const metadata = {
    source: typeof nameOrPath === 'string' && nameOrPath !== '' ? nameOrPath : basename(resolve(folder)),
    modelType: architecture.modelType,
    // The family's model sets `architecture` to its own name, as every BaseModel's metadata holds it.
    ...(loadedClass === undefined ? {} : { hfClass: loadedClass }),
  };
  const model = architecture.build(config, tensors, { contextLength, metadata });
  // The build owns the arrays now; the loader keeps no reference that would hold them in memory.
  tensors.clear();
  return { model, architecture, config, configJson: json, notes };
}

function checkFolder(folder: string): void {
  let isFolder: boolean;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch (error) {
    throw new CheckpointError(
      `model folder ${folder} cannot be read (${(error as Error).message}); give the folder holding ${HF_CONFIG_FILE} and the weights.`,
      { cause: error }
    );
  }
  if (!isFolder) {
    throw new CheckpointError(
      `${folder} is a file, not a model folder; give the folder holding ${HF_CONFIG_FILE} and the weights (${dirname(folder)}?).`
    );
  }
}

function readConfig(configPath: string): Record<string, unknown> {
  try {
    return readHfJsonObject(configPath, { what: 'a model config (config.json)', maxBytes: MAX_HF_CONFIG_BYTES });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new CheckpointError(
      `${configPath} not found; a Hugging Face model folder holds ${HF_CONFIG_FILE} beside its weights, as save_pretrained writes it.`,
      { cause: error }
    );
  }
}

function chosenContextLength(requested: number | undefined, maximum: number, configPath: string): number {
  if (requested === undefined) return maximum;
  if (!Number.isSafeInteger(requested) || requested < 1 || requested > maximum) {
    throw new ConfigError(
      `contextLength ${requested} is not a whole number from 1 to ${maximum}, the longest sequence ${configPath} allows; choose one in that range or leave it out for ${maximum}.`
    );
  }
  return requested;
}

/**
 * Opens every shard, checks the whole checkpoint with `plan`, then reads the planned tensors one by
 * one into their own float32 arrays, adding a note per widened dtype and for dropped tensors.
 */
function readWeights(
  folder: string,
  weights: WeightFiles,
  plan: (stored: ReadonlyMap<string, StoredTensor>) => TensorPlan,
  notes: string[]
): Map<string, HostTensor> {
  const shards: OpenShard[] = [];
  try {
    for (const file of weights.files) shards.push(openShard(join(folder, file)));
    const { kept, dropped } = plan(shardTensors(weights, shards));
    // In file order, so each shard is read front to back.
    const order = [...kept].sort(
      ([, a], [, b]) => shards.indexOf(a.shard) - shards.indexOf(b.shard) || a.entry.begin - b.entry.begin
    );
    const tensors = new Map<string, HostTensor>();
    const widened = new Map<HfWeightDtype, number>();
    for (const [canonical, { shard, entry }] of order) {
      const data = decodeTensorValues(readEntryBytes(shard, entry), entry.dtype) as Float32Array;
      tensors.set(canonical, { shape: entry.shape, data });
      if (entry.dtype !== 'F32') widened.set(entry.dtype, (widened.get(entry.dtype) ?? 0) + 1);
    }
    for (const [dtype, count] of widened) notes.push(`converted ${count} ${dtype} ${plural(count, 'tensor')} to float32`);
    if (dropped.length > 0) {
      notes.push(`dropped ${dropped.length} ${plural(dropped.length, 'buffer')} the model does not use (e.g. "${dropped[0]}")`);
    }
    return tensors;
  } finally {
    for (const shard of shards) closeShard(shard);
  }
}

function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${noun}s`;
}
