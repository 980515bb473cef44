import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '../../../errors.js';
import { readHfJsonObject } from './hfJsonFile.js';

/** The weights of an unsharded model. */
export const HF_WEIGHTS_FILE = 'model.safetensors';
/** The index of a sharded model: `{ "metadata": {…}, "weight_map": { tensor: shard file } }`. */
export const HF_WEIGHTS_INDEX_FILE = 'model.safetensors.index.json';
/**
 * Largest index read: an index holds one line per tensor, about 100 bytes each, so even models of
 * hundreds of billions of parameters stay far below this.
 */
export const MAX_HF_INDEX_BYTES = 16 * 1024 * 1024;

/** Folder entries that show PyTorch pickle weights, which fedtune does not read. */
const PICKLE_WEIGHTS = /^pytorch_model(-\d+-of-\d+)?\.bin(\.index\.json)?$/;
const CONVERT_FIX =
  'convert the weights to safetensors, e.g. in Python `AutoModelForCausalLM.from_pretrained(folder)' +
  '.save_pretrained(folder, safe_serialization=True)`';
/** Most folder entries named when the weights are not found. */
const LISTED_ENTRIES = 10;

/** Where a model folder's weights are. */
export interface WeightFiles {
  /** The file that names the weights as a whole (model.safetensors or the index), for messages. */
  source: string;
  /** The safetensors files, as names inside the folder, in the order they are read. */
  files: string[];
  /** The index's tensor → file name map; absent for a single model.safetensors. */
  weightMap: ReadonlyMap<string, string> | undefined;
  /** What the user should know about the choice (both layouts present, say). */
  notes: string[];
}

/**
 * Finds the weights of the model folder `folder`: `model.safetensors`, or the shards
 * `model.safetensors.index.json` names (as transformers does, the single file wins when both are
 * there). Only names the folder holds are returned; the shards' contents are not read.
 * @throws CheckpointError naming the file and the fix when the index is malformed or names a shard
 *   outside the folder or missing from it, when the folder holds only PyTorch `.bin` weights, or
 *   when it holds no weights at all.
 */
export function locateWeightFiles(folder: string): WeightFiles {
  const single = join(folder, HF_WEIGHTS_FILE);
  const indexPath = join(folder, HF_WEIGHTS_INDEX_FILE);
  const hasIndex = existsSync(indexPath);
  if (existsSync(single)) {
    const notes = hasIndex ? [`read ${HF_WEIGHTS_FILE} and ignored ${HF_WEIGHTS_INDEX_FILE} beside it`] : [];
    return { source: single, files: [HF_WEIGHTS_FILE], weightMap: undefined, notes };
  }
  if (hasIndex) return indexedWeights(folder, indexPath);
  const entries = readdirSync(folder).sort();
  const pickles = entries.filter((name) => PICKLE_WEIGHTS.test(name));
  if (pickles.length > 0) {
    throw new CheckpointError(
      `${folder} holds PyTorch weights (${pickles.slice(0, 3).join(', ')}) but no ${HF_WEIGHTS_FILE} or ` +
        `${HF_WEIGHTS_INDEX_FILE}; fedtune reads safetensors only, so ${CONVERT_FIX}.`
    );
  }
  const listed =
    entries.length === 0
      ? 'it is empty'
      : `it holds ${entries.slice(0, LISTED_ENTRIES).join(', ')}${entries.length > LISTED_ENTRIES ? ', …' : ''}`;
  throw new CheckpointError(
    `${folder} has no ${HF_WEIGHTS_FILE} or ${HF_WEIGHTS_INDEX_FILE} (${listed}); give the folder ` +
      'save_pretrained wrote, with its weights.'
  );
}

function indexedWeights(folder: string, indexPath: string): WeightFiles {
  const index = readHfJsonObject(indexPath, { what: 'a safetensors index', maxBytes: MAX_HF_INDEX_BYTES });
  const fail = (problem: string): never => {
    throw new CheckpointError(`${indexPath}: ${problem}`);
  };
  const metadata = index['metadata'];
  if (metadata !== undefined && !isRecord(metadata)) fail('"metadata" is not an object; restore the file.');
  const rawMap = index['weight_map'];
  if (!isRecord(rawMap)) fail('"weight_map" is missing or not an object of tensor → file name; restore the file.');
  const weightMap = new Map<string, string>();
  for (const [tensor, file] of Object.entries(rawMap as Record<string, unknown>)) {
    if (typeof file !== 'string') fail(`weight_map maps "${tensor}" to ${JSON.stringify(file)}, not a file name; restore the file.`);
    const name = file as string;
    if (!isPlainFileName(name)) {
      fail(
        `weight_map maps "${tensor}" to ${JSON.stringify(name)}, which is not the name of a file in the model folder; ` +
          'shards sit beside the index and are named like model-00001-of-00002.safetensors, so restore the index.'
      );
    }
    if (!name.endsWith('.safetensors')) {
      fail(`weight_map maps "${tensor}" to "${name}", which is not a .safetensors file; ${CONVERT_FIX}.`);
    }
    weightMap.set(tensor, name);
  }
  if (weightMap.size === 0) fail('"weight_map" lists no tensors; restore the file.');
  const files = [...new Set(weightMap.values())].sort();
  for (const file of files) {
    if (!existsSync(join(folder, file))) {
      const example = [...weightMap].find(([, name]) => name === file)?.[0];
      fail(
        `weight_map puts tensors (e.g. "${example}") in ${file}, but the folder has no such file; ` +
          'copy the missing shard into the folder or download the model again.'
      );
    }
  }
  return { source: indexPath, files, weightMap, notes: [] };
}

/** A name that stays inside the folder: no separator, no `.` or `..`, nothing a path resolves. */
function isPlainFileName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name) && !/^[A-Za-z]:/.test(name);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
