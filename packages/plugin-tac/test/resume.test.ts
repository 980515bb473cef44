import { parseExperiment } from '@fedtune/core';
import { runStoppedAndResumed } from '@fedtune/core/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from '../src/index.js';

/** Twelve clients on two tasks, half sampled each round, so slots sit idle and keep old groups. */
const experiment = parseExperiment({
  name: 'tac-resume',
  seed: 5,
  data: {
    numClients: 12,
    partition: { kind: 'dirichlet-quantity', alpha: 0.5 },
    trainLimit: 600,
    testLimit: 200,
    tasks: [{ name: 'classes' }, { name: 'rotated', rotate: 90 }],
    tasksPerClient: { min: 1, max: 2 },
  },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 5, localSteps: 4, batchSize: 32, learningRate: 0.005 },
  selector: { name: 'uniform', options: { fraction: 0.5 } },
  aggregator: { name: 'tac', options: { k: 2 } },
  compare: [{ label: 'oracle', aggregator: { name: 'tac-oracle', options: { numTasks: 2, tasksPerClient: { min: 1, max: 2 } } } }],
});

describe('TAC stopped and resumed from a checkpoint', () => {
  it('logs the same ledger, clustering included, and exports the same adapter as an uninterrupted run', async () => {
    const { whole, resumed } = await runStoppedAndResumed({ experiment, plugins: [plugin], checkpointEvery: 2, stopInRound: 3 });
    // The slot groups are what the clustering measures; idle slots must keep theirs across the stop.
    expect(whole[0]?.ledger.some((row) => row.clustering !== undefined)).toBe(true);
    expect(resumed).toEqual(whole);
  }, 300_000);
});
