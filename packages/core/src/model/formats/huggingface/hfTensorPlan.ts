import { basename } from 'node:path';
import { CheckpointError } from '../../../errors.js';
import type { HfArchitecture } from '../../architectures/huggingface/hfArchitecture.js';
import type { SafetensorsEntry } from '../safetensorsHeader.js';
import { listNames } from './nameList.js';
import type { OpenShard } from './safetensorsShard.js';

/** Dtypes the loader reads weights from: float32 kept, the 16-bit floats widened to it. */
export const HF_WEIGHT_DTYPES = ['F32', 'F16', 'BF16'] as const;

/** A stored dtype the loader reads. */
export type HfWeightDtype = (typeof HF_WEIGHT_DTYPES)[number];

/** One tensor of the checkpoint and the shard holding it. */
export interface StoredTensor {
  shard: OpenShard;
  entry: SafetensorsEntry;
}

/** What the loader reads: the checkpoint tensors the family uses, by canonical name, and what it drops. */
export interface TensorPlan {
  /** Checked: every required tensor is here, with the expected shape and a {@link HfWeightDtype}. */
  kept: Map<string, StoredTensor & { entry: SafetensorsEntry & { dtype: HfWeightDtype } }>;
  /** Checkpoint names the family drops (buffers), never decoded. */
  dropped: string[];
}

/**
 * Maps every checkpoint tensor (`stored`, by its name in the checkpoint) to the family's canonical
 * name and checks the result against what `config` implies, before any tensor's data is read.
 * `configJson` (the parsed config.json) and `weightsSource` (the file naming the weights as a
 * whole) are for messages.
 * @throws CheckpointError naming the file (the shard, or `weightsSource` for the weights as a
 *   whole) and the tensors, for names the family does not know, two names for one tensor, tensors
 *   the config does not have, missing tensors, a wrong shape, or a dtype other than F32, F16, BF16.
 */
export function planTensors<Config>(
  architecture: HfArchitecture<Config>,
  config: Config,
  stored: ReadonlyMap<string, StoredTensor>,
  configJson: Readonly<Record<string, unknown>>,
  weightsSource: string
): TensorPlan {
  const byCanonical = new Map<string, { name: string; tensor: StoredTensor }>();
  const unknown: string[] = [];
  const dropped: string[] = [];
  for (const [name, tensor] of stored) {
    const canonical = architecture.canonicalTensorName(name);
    if (canonical === null) dropped.push(name);
    else if (canonical === undefined) unknown.push(`"${name}" (${basename(tensor.shard.path)})`);
    else {
      const earlier = byCanonical.get(canonical);
      if (earlier !== undefined) {
        throw new CheckpointError(
          `${tensor.shard.path}: tensors "${earlier.name}" (${basename(earlier.tensor.shard.path)}) and "${name}" are ` +
            `both the model's "${canonical}"; the weights hold two copies of it, so keep one (save the model again).`
        );
      }
      byCanonical.set(canonical, { name, tensor });
    }
  }
  const familyName = `the ${architecture.modelType} family`;
  if (unknown.length > 0) {
    throw new CheckpointError(
      `${weightsSource}: ${unknown.length} tensor(s) have names ${familyName} does not know: ${listNames(unknown)}; ` +
        `the weights are not a ${architecture.classNames.join(' / ')} checkpoint, or config.json names the wrong architecture.`
    );
  }
  const expected = architecture.expectedTensors(config);
  const mismatch = 'the config does not match the weights';
  const extra = [...byCanonical.keys()].filter((canonical) => !expected.has(canonical));
  if (extra.length > 0) {
    throw new CheckpointError(
      `${weightsSource}: ${extra.length} tensor(s) are not part of the model config.json describes: ` +
        `${listNames(extra.map((canonical) => `"${byCanonical.get(canonical)?.name}"`))}; ${mismatch}.`
    );
  }
  const missing = [...expected].filter(([canonical, spec]) => !spec.optional && !byCanonical.has(canonical));
  if (missing.length > 0) {
    throw new CheckpointError(
      `${weightsSource}: ${missing.length} tensor(s) the model needs are missing: ${listNames(
        missing.map(([canonical]) => `"${canonical}"`)
      )}; the weights are incomplete or were saved for another model (${mismatch}).`
    );
  }
  const kept: TensorPlan['kept'] = new Map();
  for (const [canonical, { name, tensor }] of byCanonical) {
    const shape = (expected.get(canonical) as { shape: readonly number[] }).shape;
    const { entry, shard } = tensor;
    if (!sameShape(entry.shape, shape)) {
      const behind = configFieldsBehind(configJson, shape);
      throw new CheckpointError(
        `${shard.path}: tensor "${name}" has shape [${entry.shape.join(', ')}] but config.json${
          behind === '' ? '' : ` (${behind})`
        } implies [${shape.join(', ')}]; ${mismatch}.`
      );
    }
    if (!isWeightDtype(entry.dtype)) {
      throw new CheckpointError(
        `${shard.path}: tensor "${name}" has dtype ${entry.dtype}; fedtune loads weights stored as ` +
          `${HF_WEIGHT_DTYPES.join(', ')}, so save the model in one of them (e.g. \`model.to(torch.bfloat16)\` ` +
          'before save_pretrained).'
      );
    }
    kept.set(canonical, { shard, entry: { ...entry, dtype: entry.dtype } });
  }
  return { kept, dropped };
}

function isWeightDtype(dtype: string): dtype is HfWeightDtype {
  return (HF_WEIGHT_DTYPES as readonly string[]).includes(dtype);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}

/**
 * The config.json fields a shape's dimensions likely come from (`n_embd=768`): integer fields
 * whose value is one of the dimensions. Token ids and values of 1 are left out: they match
 * dimensions by chance.
 */
function configFieldsBehind(configJson: Readonly<Record<string, unknown>>, shape: readonly number[]): string {
  return Object.entries(configJson)
    .filter(
      ([key, value]) =>
        Number.isSafeInteger(value) && (value as number) > 1 && shape.includes(value as number) && !key.endsWith('_id')
    )
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}
