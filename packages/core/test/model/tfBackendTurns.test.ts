import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { useTfBackend } from '../../src/model/training/tfBackend.js';

// Its own file, so tfjs has started no backend yet: the race is in a backend's first start.
it('gives calls made at once the same backend, started before any of them returns', async () => {
  const names = await Promise.all([useTfBackend('auto'), useTfBackend('auto'), useTfBackend('auto')]);
  expect(names).toEqual(['wasm', 'wasm', 'wasm']);
  expect(tf.getBackend()).toBe('wasm');
});
