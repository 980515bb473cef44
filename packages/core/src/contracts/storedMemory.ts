import { CheckpointError } from '../errors.js';
import type { ClientMemory } from './memory.js';

/**
 * The refusal of a value in {@link ClientMemory} that its component cannot use. Memory changes only
 * as its component writes it, so such a value comes from a checkpoint that was changed or damaged
 * (a run resumed with `--resume` from an edited results folder); the run stops rather than going on
 * without that client or reading past an array.
 *
 * @param key the memory key, named in the message.
 * @param problem what the key holds and what was expected, e.g. `holds 3 values, not 4`.
 * @returns a `CheckpointError` whose message names the key, the problem and the fix (start the run
 *   again without --resume).
 */
export function damagedMemory(key: string, problem: string): CheckpointError {
  return new CheckpointError(
    `memory "${key}" ${problem}, which this component never writes; the checkpoint the run resumed from was changed or damaged, start the run again without --resume`,
  );
}

/**
 * The tensor kept in `memory` under `key`, or `undefined` when the key holds nothing.
 * @param length how many values the component writes under `key`.
 * @throws CheckpointError (see {@link damagedMemory}) naming the key when it holds a number, or a
 *   tensor of other than `length` values.
 */
export function storedTensor(memory: ClientMemory, key: string, length: number): Float32Array | undefined {
  const stored = memory.get(key);
  if (stored === undefined) return undefined;
  if (typeof stored === 'number') throw damagedMemory(key, `holds the number ${stored}, not ${values(length)}`);
  if (stored.length !== length) throw damagedMemory(key, `holds ${values(stored.length)}, not ${length}`);
  return stored;
}

/** What a {@link storedScalar} must be besides finite. */
export interface StoredScalarShape {
  /** The component writes whole numbers only (a round, a count, a label). */
  integer?: boolean;
}

/**
 * The number kept in `memory` under `key`, or `undefined` when the key holds nothing.
 * @throws CheckpointError (see {@link damagedMemory}) naming the key when it holds a tensor, a
 *   number that is not finite, or (with `shape.integer`) one that is not whole.
 */
export function storedScalar(memory: ClientMemory, key: string, shape: StoredScalarShape = {}): number | undefined {
  const stored = memory.get(key);
  if (stored === undefined) return undefined;
  const expected = shape.integer === true ? 'a whole number' : 'a finite number';
  if (typeof stored !== 'number') throw damagedMemory(key, `holds ${values(stored.length)}, not ${expected}`);
  if (!Number.isFinite(stored) || (shape.integer === true && !Number.isInteger(stored))) {
    throw damagedMemory(key, `holds ${stored}, not ${expected}`);
  }
  return stored;
}

function values(count: number): string {
  return count === 1 ? '1 value' : `${count} values`;
}
