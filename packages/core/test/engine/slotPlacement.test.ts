import { describe, expect, it } from 'vitest';
import { SlotPlacement } from '../../src/engine/slotPlacement.js';

const knownSlots = new Set(['0/0', '0/1', '1/0', '2/0']);
const settings = { length: 2, knownSlots, who: 'aggregator test' };

describe('SlotPlacement', () => {
  it('numbers the global model\'s group 0 and each listed group after it, whatever arrays they hold', () => {
    const shared = Float32Array.of(1, 1);
    // Two groups holding the same array stay two groups: membership is what the aggregator said.
    const placement = new SlotPlacement(Float32Array.of(0, 0), [
      { parameters: shared, slots: ['0/1', '1/0'] },
      { parameters: shared, slots: ['2/0'] },
    ], settings);
    expect([placement.groupOf(0, 0), placement.groupOf(0, 1), placement.groupOf(1, 0), placement.groupOf(2, 0)]).toEqual([0, 1, 1, 2]);
    expect(Array.from(placement.parametersOf(0, 0))).toEqual([0, 0]);
    expect(placement.parametersOf(2, 0)).toBe(shared);
  });

  it('refuses groups that list an unknown slot, a slot twice or a vector that does not fit', () => {
    const global = Float32Array.of(0, 0);
    expect(() => new SlotPlacement(global, [{ parameters: Float32Array.of(1, 1), slots: ['3/0'] }], settings)).toThrow(
      'aggregator test: slot group 0 lists slot "3/0", which no client trains',
    );
    expect(
      () =>
        new SlotPlacement(global, [
          { parameters: Float32Array.of(1, 1), slots: ['0/0'] },
          { parameters: Float32Array.of(2, 2), slots: ['0/0'] },
        ], settings),
    ).toThrow(/slot "0\/0" is in two groups/);
    expect(() => new SlotPlacement(global, [{ parameters: Float32Array.of(1, Number.NaN), slots: ['0/0'] }], settings)).toThrow(
      'aggregator test: the parameters of slot group 0 holds NaN at index 1',
    );
    expect(() => new SlotPlacement(Float32Array.of(0), [], settings)).toThrow('aggregator test: the global model has 1 values, the model has 2');
  });
});
