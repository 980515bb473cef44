import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainerFromRecipe, type RecipeTrainer } from '../../../src/engine/training/recipeTrainer.js';
import { WorkerPoolTrainer } from '../../../src/engine/training/workerPoolTrainer.js';
import { bitsOf, examplePool, recipe, slotRequests } from './fixtures.js';

const pool = examplePool(120);
let reference: RecipeTrainer;
let trainer: WorkerPoolTrainer;

beforeAll(async () => {
  [reference, trainer] = await Promise.all([
    trainerFromRecipe(recipe(pool, 'wasm')),
    WorkerPoolTrainer.start(recipe(pool, 'wasm'), { workers: 2 }),
  ]);
});

afterAll(async () => {
  await trainer.close();
  reference.trainer.dispose();
  reference.base.dispose();
});

describe('WorkerPoolTrainer on the wasm backend', () => {
  it('starts wasm in every worker thread and matches the in-thread trainer bit for bit', async () => {
    expect(trainer.tfBackend).toBe('wasm');
    expect(reference.tfBackend).toBe('wasm');
    const requests = slotRequests(pool, reference.adapter.initialParameters(reference.base.frozen), 4);
    const pooled = await Promise.all(requests.map((r) => trainer.train(r.start, r.data, r.random)));
    for (const [i, r] of requests.entries()) {
      expect(bitsOf(pooled[i]!)).toEqual(bitsOf(await reference.trainer.train(r.start, r.data, r.random)));
    }
  });
});
