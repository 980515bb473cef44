import { parseExperiment } from '@fedtune/core';
import { runStoppedAndResumed } from '@fedtune/core/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from '../src/index.js';

/** SAFARI's similarity matrix and fedavg-stale's last updates both live in server memory. */
const experiment = parseExperiment({
  name: 'safari-resume',
  seed: 4,
  data: { numClients: 6, partition: { kind: 'dirichlet', alpha: 0.5 }, trainLimit: 600, testLimit: 200 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 5, localSteps: 4, batchSize: 32, learningRate: 0.005 },
  compressor: { name: 'safari-sparse', options: { sparsity: 0.8 } },
  aggregator: { name: 'safari', options: { refresh: 'ema' } },
  channel: { name: 'bernoulli', options: { successRate: 0.5 } },
  compare: [{ label: 'stale', aggregator: { name: 'fedavg-stale', options: { fullFirstRound: true } } }],
});

describe('SAFARI stopped and resumed from a checkpoint', () => {
  it('logs the same ledgers and exports the same adapters as uninterrupted runs', async () => {
    const { whole, resumed } = await runStoppedAndResumed({ experiment, plugins: [plugin], checkpointEvery: 2, stopInRound: 3 });
    expect(whole[0]?.ledger.some((row) => row.lost > 0)).toBe(true);
    expect(resumed).toEqual(whole);
  }, 300_000);
});
