import { describe, expect, it } from 'vitest';
import { damagedMemory, storedScalar, storedTensor } from '../../src/contracts/storedMemory.js';
import { MemoryStore } from '../../src/engine/memoryStore.js';
import { CheckpointError } from '../../src/errors.js';

const FIX = 'which this component never writes; the checkpoint the run resumed from was changed or damaged, start the run again without --resume';

/** The memory of one component for one client, as the engine hands it out. */
const freshMemory = () => new MemoryStore().of('aggregator', 0);

/** The error `read` throws, checked to be the refusal of a damaged checkpoint. */
function refusal(read: () => unknown): string {
  let thrown: unknown;
  try {
    read();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CheckpointError);
  return (thrown as Error).message;
}

describe('damagedMemory', () => {
  it('names the key, what it holds and the fix', () => {
    const error = damagedMemory('clock', 'holds 3 values, not [round, step] pairs');
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toBe(`memory "clock" holds 3 values, not [round, step] pairs, ${FIX}`);
  });
});

describe('storedTensor', () => {
  it('returns the tensor of the expected length, and undefined for a key never written', () => {
    const memory = freshMemory();
    const row = Float32Array.of(1, Infinity, 3);
    memory.set('row', row);
    expect(storedTensor(memory, 'row', 3)).toBe(row);
    expect(storedTensor(memory, 'other', 3)).toBeUndefined();
  });

  it('refuses a tensor of another length, naming the key and both lengths', () => {
    const memory = freshMemory();
    memory.set('row', Float32Array.of(1, 2));
    expect(refusal(() => storedTensor(memory, 'row', 3))).toBe(`memory "row" holds 2 values, not 3, ${FIX}`);
    memory.set('row', Float32Array.of(1));
    expect(refusal(() => storedTensor(memory, 'row', 3))).toBe(`memory "row" holds 1 value, not 3, ${FIX}`);
  });

  it('refuses a number where a tensor belongs', () => {
    const memory = freshMemory();
    memory.set('row', 7);
    expect(refusal(() => storedTensor(memory, 'row', 3))).toBe(`memory "row" holds the number 7, not 3 values, ${FIX}`);
  });
});

describe('storedScalar', () => {
  it('returns the number, and undefined for a key never written', () => {
    const memory = freshMemory();
    memory.set('loss', 0.25);
    memory.set('round', 4);
    expect(storedScalar(memory, 'loss')).toBe(0.25);
    expect(storedScalar(memory, 'round', { integer: true })).toBe(4);
    expect(storedScalar(memory, 'other')).toBeUndefined();
  });

  it('refuses a fraction where a whole number belongs', () => {
    const memory = freshMemory();
    memory.set('round', 2.5);
    expect(refusal(() => storedScalar(memory, 'round', { integer: true }))).toBe(
      `memory "round" holds 2.5, not a whole number, ${FIX}`,
    );
  });

  it.each([Infinity, -Infinity, NaN])('refuses %s', (value) => {
    const memory = freshMemory();
    memory.set('loss', value);
    expect(refusal(() => storedScalar(memory, 'loss'))).toBe(`memory "loss" holds ${value}, not a finite number, ${FIX}`);
  });

  it('refuses a tensor where a number belongs', () => {
    const memory = freshMemory();
    memory.set('round', Float32Array.of(1, 2));
    expect(refusal(() => storedScalar(memory, 'round', { integer: true }))).toBe(
      `memory "round" holds 2 values, not a whole number, ${FIX}`,
    );
  });
});
