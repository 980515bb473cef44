import { describe, expect, it } from 'vitest';
import { WorkerPoolTrainer } from '../../../src/engine/training/workerPoolTrainer.js';
import { CheckpointError, ConfigError, PluginError } from '../../../src/errors.js';
import { examplePool, recipe } from './fixtures.js';

const pool = examplePool(40);

describe('WorkerPoolTrainer.start with a bad recipe', () => {
  it('names an unknown adapter, the registered ones and the fix, as a PluginError', async () => {
    const bad = recipe(pool);
    bad.adapter = { ...bad.adapter, name: 'lroa' };
    const started = WorkerPoolTrainer.start(bad, { workers: 1 });
    await expect(started).rejects.toBeInstanceOf(PluginError);
    await expect(started).rejects.toThrow(/unknown adapter "lroa"; registered: head, lora\. .*"plugins"/);
  });

  it('names a missing base file as a CheckpointError', async () => {
    const started = WorkerPoolTrainer.start({ ...recipe(pool), baseModelPath: 'no-such-base.safetensors' }, { workers: 1 });
    await expect(started).rejects.toBeInstanceOf(CheckpointError);
    await expect(started).rejects.toThrow(/no-such-base\.safetensors: cannot be read .*check the path/);
  });

  it('refuses a worker count that is not a positive integer before starting anything', async () => {
    await expect(WorkerPoolTrainer.start(recipe(pool), { workers: 0 })).rejects.toBeInstanceOf(ConfigError);
    await expect(WorkerPoolTrainer.start(recipe(pool), { workers: 1.5 })).rejects.toThrow(/--workers 1 or more/);
  });
});
