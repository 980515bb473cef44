import { basename } from 'node:path';
import { CheckpointError } from '../../../errors.js';
import type { StoredTensor } from './hfTensorPlan.js';
import type { WeightFiles } from './hfWeightFiles.js';
import { listNames } from './nameList.js';
import type { OpenShard } from './safetensorsShard.js';

const RESAVE = 'the index and the shards come from different saves, so download or save the model again';

/**
 * Every tensor of the checkpoint by its stored name, with the shard holding it, after checking the
 * shards' headers against each other and against the index (`weights.weightMap`), if any: no
 * tensor is in two shards, every tensor a shard holds is listed in the index under that shard, and
 * every tensor the index lists is in the shard it names.
 * @throws CheckpointError naming the shard or the index and the tensors at fault.
 */
export function shardTensors(weights: WeightFiles, shards: readonly OpenShard[]): Map<string, StoredTensor> {
  const stored = new Map<string, StoredTensor>();
  for (const shard of shards) {
    for (const entry of shard.header.entries) {
      const earlier = stored.get(entry.name);
      if (earlier !== undefined) {
        throw new CheckpointError(
          `${shard.path}: tensor "${entry.name}" is also in ${basename(earlier.shard.path)}; a tensor belongs in ` +
            `one shard only, so ${RESAVE}.`
        );
      }
      stored.set(entry.name, { shard, entry });
    }
  }
  const { weightMap } = weights;
  if (weightMap === undefined) return stored;
  for (const shard of shards) {
    const file = basename(shard.path);
    const unlisted = shard.header.entries.map((entry) => entry.name).filter((name) => !weightMap.has(name));
    if (unlisted.length > 0) {
      throw new CheckpointError(
        `${shard.path} holds ${unlisted.length} tensor(s) ${basename(weights.source)} does not list: ` +
          `${listNames(unlisted.map((name) => `"${name}"`))}; ${RESAVE}.`
      );
    }
    const elsewhere = shard.header.entries.find((entry) => weightMap.get(entry.name) !== file);
    if (elsewhere !== undefined) {
      throw new CheckpointError(
        `${weights.source}: tensor "${elsewhere.name}" is mapped to ${weightMap.get(elsewhere.name)} but is in ` +
          `${file}; ${RESAVE}.`
      );
    }
  }
  for (const [name, file] of weightMap) {
    if (!stored.has(name)) {
      throw new CheckpointError(
        `${weights.source}: tensor "${name}" is mapped to ${file}, which does not hold it; ${RESAVE}.`
      );
    }
  }
  return stored;
}
