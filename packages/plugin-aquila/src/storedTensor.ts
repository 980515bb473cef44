import { CheckpointError, type ClientMemory } from '@fedtune/core';

/** The refusal of a memory tensor this package did not write: memory changes only as its components write it. */
export function damagedMemory(key: string, problem: string): CheckpointError {
  return new CheckpointError(
    `memory "${key}" ${problem}, which this component never writes; the checkpoint the run resumed from was changed or damaged, start the run again without --resume`,
  );
}

/**
 * The tensor kept in `memory` under `key`, or `undefined` when there is none.
 * @throws CheckpointError naming the key when it holds other than `length` values.
 */
export function storedTensor(memory: ClientMemory, key: string, length: number): Float32Array | undefined {
  const stored = memory.get(key);
  if (!(stored instanceof Float32Array)) return undefined;
  if (stored.length !== length) throw damagedMemory(key, `holds ${stored.length} values, not ${length}`);
  return stored;
}
