import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParameterSpec } from '../../contracts/adapter.js';
import { CheckpointError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { MAX_READ_BYTES, readFileWithin } from '../../io/readFileWithin.js';
import { headModule, type BaseModel } from '../architectures/baseModel.js';

/** The folder, inside an exported adapter's folder, that holds the frozen base (`base_model_name_or_path` is `./base`). */
export const PEFT_BASE_FOLDER = 'base';
/** The base's weights in that folder: the frozen base's safetensors file, byte for byte. */
export const PEFT_BASE_WEIGHTS_FILE = 'model.safetensors';
/** The base's description in that folder. */
export const PEFT_BASE_CONFIG_FILE = 'config.json';

/** The frozen base an adapter is exported with. */
export interface PeftBase {
  /** The base's safetensors file (PyTorch names and `[out, in]` layout), copied unchanged. */
  path: string;
  /** The base loaded from that file: its modules name the head, its metadata describes it. */
  model: Pick<BaseModel, 'modules' | 'metadata'>;
}

/**
 * `config.json` beside the base's weights: the base's own metadata (architecture, sizes such as
 * `inputSize`, `hidden` and `numClasses` — the outputs of the head stored in the weights — and
 * provenance), with JSON values decoded, plus `num_labels`, the outputs of the head the adapter
 * trained (Hugging Face's name). When the two differ the head was resized for the downstream task:
 * build the head with `num_labels` outputs before loading the adapter, whose `modules_to_save`
 * holds the trained head at that shape.
 */
export type PeftBaseConfig = Record<string, unknown> & { num_labels: number };

/** Writes the frozen base and its `config.json` into `folder`, for an adapter laid out as `layout`. */
export async function writePeftBase(folder: string, base: PeftBase, layout: readonly ParameterSpec[]): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = readFileWithin(base.path, { what: 'a base model file', maxBytes: MAX_READ_BYTES, error: CheckpointError });
  } catch (error) {
    throw new CheckpointError(`${base.path}: cannot be read (${(error as Error).message}); check the base path.`, {
      cause: error,
    });
  }
  const head = headModule(base.model.modules);
  const trainedHead = layout.find((spec) => spec.name === `${head.name}.weight`);
  const config: PeftBaseConfig = {
    ...Object.fromEntries(Object.entries(base.model.metadata).map(([key, value]) => [key, decodeMetadataValue(value)])),
    num_labels: trainedHead?.shape[0] ?? head.outFeatures,
  };
  await mkdir(folder, { recursive: true });
  await writeFileAtomic(join(folder, PEFT_BASE_WEIGHTS_FILE), bytes);
  await writeFileAtomic(join(folder, PEFT_BASE_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

/** Safetensors metadata holds strings only; numbers and lists are stored as their JSON text. */
function decodeMetadataValue(value: string): unknown {
  try {
    const decoded: unknown = JSON.parse(value);
    return typeof decoded === 'string' ? value : decoded;
  } catch {
    return value;
  }
}
