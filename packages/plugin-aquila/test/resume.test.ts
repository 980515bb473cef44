import { parseExperiment } from '@fedtune/core';
import { runStoppedAndResumed } from '@fedtune/core/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from '../src/index.js';

/**
 * Every stateful component of the package: the lazy skip rules (staleness, last error, observed
 * global steps), the grid compressors (q_m on both sides; on the client only in the official
 * protocol), AdaQuantFL (F₀) and lazy aggregation (each client's last upload and its round, reused
 * within a short age here), under partial participation so state outlives absent rounds.
 */
const experiment = parseExperiment({
  name: 'aquila-resume',
  seed: 9,
  data: { numClients: 8, partition: { kind: 'dirichlet', alpha: 0.5 }, trainLimit: 600, testLimit: 200 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 5, localSteps: 4, batchSize: 32, optimizer: 'sgd', learningRate: 0.1 },
  selector: { name: 'aquila', options: { fraction: 0.5 } },
  compressor: 'aquila',
  aggregator: { name: 'aquila', options: { maxReuseAge: 2 } },
  compare: [
    {
      label: 'AQUILA official',
      compressor: { name: 'aquila', options: { protocol: 'official', bitWidth: 'relativeError' } },
      aggregator: { name: 'fedavg', options: { weighting: 'uniform' } },
    },
    { label: 'LAQ', selector: { name: 'laq', options: { fraction: 0.5 } }, compressor: { name: 'laq', options: { bits: 4 } } },
    { label: 'AdaQuantFL', selector: { name: 'uniform', options: { fraction: 0.5 } }, compressor: 'adaquantfl', aggregator: 'fedavg' },
  ],
});

describe('AQUILA, LAQ and AdaQuantFL stopped and resumed from a checkpoint', () => {
  it('log the same ledgers and export the same adapters as uninterrupted runs', async () => {
    const { whole, resumed } = await runStoppedAndResumed({ experiment, plugins: [plugin], checkpointEvery: 2, stopInRound: 3 });
    // Some client skipped, or the skip rules were never exercised.
    expect(whole.flatMap((run) => run.ledger).some((row) => row.skipped > 0)).toBe(true);
    expect(resumed).toEqual(whole);
  }, 300_000);
});
