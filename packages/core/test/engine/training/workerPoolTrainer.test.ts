import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InThreadSlotTrainer } from '../../../src/engine/training/inThreadTrainer.js';
import { trainerFromRecipe, type RecipeTrainer } from '../../../src/engine/training/recipeTrainer.js';
import { WorkerPoolTrainer } from '../../../src/engine/training/workerPoolTrainer.js';
import { ConfigError, FedtuneError, NonFiniteError } from '../../../src/errors.js';
import type { LocalTrainResult } from '../../../src/model/training/trainer.js';
import { bitsOf, examplePool, POISONED_ROWS, recipe, slotRequests, type SlotRequest } from './fixtures.js';

const pool = examplePool();
let reference: RecipeTrainer;
let requests: SlotRequest[];
let expected: ReturnType<typeof bitsOf>[];

beforeAll(async () => {
  reference = await trainerFromRecipe(recipe(pool));
  requests = slotRequests(pool, reference.adapter.initialParameters(reference.base.frozen), 8);
  const inThread = new InThreadSlotTrainer(reference.trainer);
  expected = [];
  for (const r of requests) expected.push(bitsOf(await inThread.train(r.start, r.data, r.random)));
});

afterAll(() => {
  reference.trainer.dispose();
  reference.base.dispose();
});

describe.each([1, 2])('WorkerPoolTrainer with %i worker(s), cpu backend', (workers) => {
  let trainer: WorkerPoolTrainer;
  beforeAll(async () => {
    trainer = await WorkerPoolTrainer.start(recipe(pool), { workers });
  });
  // Closing twice is harmless: the last test closes the pool itself.
  afterAll(() => trainer.close());

  it('starts every worker once, on the requested backend', () => {
    expect(new Set(trainer.threadIds).size).toBe(workers);
    expect(trainer.runningWorkers).toBe(workers);
    expect(trainer.tfBackend).toBe('cpu');
  });

  it('returns, for many concurrent requests, each its own result, bit-identical to the in-thread trainer', async () => {
    const results: LocalTrainResult[] = await Promise.all(requests.map((r) => trainer.train(r.start, r.data, r.random)));
    expect(results.map(bitsOf)).toEqual(expected);
  });

  it('leaves the caller\'s start vector and indices as they were', async () => {
    const r = requests[0] as SlotRequest;
    const start = r.start.slice();
    const indices = r.data.indices.slice();
    await trainer.train(r.start, r.data, r.random);
    expect(r.start).toEqual(start);
    expect(r.data.indices).toEqual(indices);
  });

  it('rejects a diverging slot with a NonFiniteError and trains the next one as before', async () => {
    const r = requests[1] as SlotRequest;
    const diverging = trainer.train(r.start, { ...r.data, indices: POISONED_ROWS }, r.random);
    const healthy = trainer.train(r.start, r.data, r.random);
    await expect(diverging).rejects.toBeInstanceOf(NonFiniteError);
    await expect(diverging).rejects.toThrow(/non-finite loss.*lower the learning rate/);
    expect(bitsOf(await healthy)).toEqual(expected[1]);
  });

  it('refuses a slot of another feature set', async () => {
    const r = requests[0] as SlotRequest;
    await expect(trainer.train(r.start, { ...r.data, source: examplePool(40) }, r.random)).rejects.toBeInstanceOf(
      ConfigError,
    );
  });

  it('closes after the requests in flight, terminating the workers and refusing later requests', async () => {
    const r = requests[2] as SlotRequest;
    const inFlight = trainer.train(r.start, r.data, r.random);
    await trainer.close();
    expect(bitsOf(await inFlight)).toEqual(expected[2]);
    expect(trainer.runningWorkers).toBe(0);
    await expect(trainer.train(r.start, r.data, r.random)).rejects.toThrow(FedtuneError);
    await expect(trainer.train(r.start, r.data, r.random)).rejects.toThrow(/closed; start a new one/);
  });
});
