import { ShapeError, type ClientMemory } from '@fedtune/core';

const KEY = 'lastUpload';

/**
 * The client's last uploaded (quantised) update q_m, kept by whichever component holds `memory`;
 * zeros before the first upload, as LAQ and AQUILA start from q_m = 0.
 */
export function readLastUpload(memory: ClientMemory, length: number): Float32Array {
  const stored = memory.get(KEY);
  if (!(stored instanceof Float32Array)) return new Float32Array(length);
  if (stored.length !== length) {
    throw new ShapeError(
      `last upload has ${stored.length} values but this update has ${length}; the model changed size`,
    );
  }
  return stored;
}

/** Whether the client has uploaded before (the skip rules always let a first upload through). */
export function hasLastUpload(memory: ClientMemory): boolean {
  return memory.get(KEY) instanceof Float32Array;
}

/** Remembers `quantised` as the client's last upload. */
export function writeLastUpload(memory: ClientMemory, quantised: Float32Array): void {
  memory.set(KEY, quantised);
}
