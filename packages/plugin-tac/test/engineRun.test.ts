import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AGGREGATOR,
  createFedtuneContainer,
  type LedgerRow,
  parseExperiment,
  prepareFederation,
  registerNamed,
  runExperiment,
  type SlotAggregation,
  slotKey,
} from '@fedtune/core';
import { beforeAll, describe, expect, it } from 'vitest';
import plugin, { tacAggregatorFactory } from '../src/index.js';
import { trueClientTasks } from '../src/trueClientTasks.js';

/** Six clients holding one to three of three conflicting Fashion-MNIST tasks, split as in the paper. */
const experiment = {
  name: 'tac-engine',
  seed: 11,
  plugins: [],
  data: {
    numClients: 6,
    partition: { kind: 'dirichlet-quantity', alpha: 0.5 },
    trainLimit: 600,
    testLimit: 300,
    tasks: [
      { name: 'classes' },
      { name: 'rotated', rotate: 90 },
      { name: 'grouped', relabel: [0, 1, 0, 0, 0, 2, 0, 2, 3, 2] },
    ],
    tasksPerClient: { min: 1, max: 3 },
  },
  adapter: { rank: 4, alpha: 8 },
  training: { rounds: 3, localSteps: 10, batchSize: 32, learningRate: 0.005 },
  aggregator: { name: 'tac-recorded', options: { k: 3 } },
  compare: [
    {
      label: 'oracle',
      aggregator: { name: 'tac-oracle', options: { numTasks: 3, tasksPerClient: { min: 1, max: 3 } } },
    },
  ],
};

const readLedger = (dir: string): LedgerRow[] =>
  readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LedgerRow);

describe('a short multi-task run through the engine', () => {
  let outDir: string;
  const sent: SlotAggregation[] = [];

  beforeAll(async () => {
    const container = createFedtuneContainer();
    plugin.register(container);
    // tac itself, with what it sends each round kept for inspection.
    registerNamed(container, AGGREGATOR, {
      name: 'tac-recorded',
      plugin: 'tac-test',
      create: (options, context) => {
        const tac = tacAggregatorFactory.create(options, context);
        return {
          name: 'tac-recorded',
          supportsTaskSlots: true,
          aggregate: (round) => {
            const result = tac.aggregate(round) as SlotAggregation;
            sent.push(result);
            return result;
          },
        };
      },
    });
    outDir = mkdtempSync(join(tmpdir(), 'tac-engine-'));
    await runExperiment(parseExperiment(experiment), { outDir, experimentDir: outDir, container });
  }, 120_000);

  it('sends a client with two tasks two different adapters', () => {
    const held = trueClientTasks(11, 6, 3, { min: 1, max: 3 });
    const client = held.findIndex((tasks) => tasks.length >= 2);
    expect(client).toBeGreaterThanOrEqual(0);
    const { global, groups } = sent.at(-1) as SlotAggregation;
    const startOf = (key: string) => groups.find((group) => group.slots.includes(key))?.parameters ?? global;
    const first = startOf(slotKey(client, 0));
    const second = startOf(slotKey(client, 1));
    expect(Array.from(first)).not.toEqual(Array.from(second));
  });

  it('finds the true tasks, as the engine measures it, with at most K adapters', () => {
    const rows = readLedger(outDir);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.taskAccuracy).toHaveLength(3);
      // At most three clusters, as tac was asked for: the global vector's group and two more.
      expect((sent[row.round] as SlotAggregation).groups.length).toBeLessThanOrEqual(2);
    }
    expect(rows.at(-1)?.clustering).toEqual({ accuracy: 1, adjustedRandIndex: 1 });
  });

  it('lets the oracle group by the true tasks: clustering accuracy and ARI 1 every round', () => {
    for (const row of readLedger(join(outDir, 'compare', 'oracle'))) {
      expect(row.clustering).toEqual({ accuracy: 1, adjustedRandIndex: 1 });
      // All clients of a task hold its one cluster mean, so scoring every client equals scoring the majority's.
      expect(row.majorityAdapterTaskAccuracy).toEqual(row.taskAccuracy);
    }
  });
});

describe('tac below the participation its clustering was shown to need', () => {
  it('runs, and warns at the start naming the fraction, the threshold and why', async () => {
    const container = createFedtuneContainer();
    plugin.register(container);
    const lines: string[] = [];
    const outDir = mkdtempSync(join(tmpdir(), 'tac-participation-'));
    const sampled = {
      ...experiment,
      compare: [],
      training: { ...experiment.training, rounds: 1 },
      selector: { name: 'uniform', options: { fraction: 0.5 } },
      aggregator: { name: 'tac', options: { k: 3 } },
    };
    await runExperiment(parseExperiment(sampled), { outDir, experimentDir: outDir, container, log: (line) => lines.push(line) });
    const warnings = lines.filter((line) => line.startsWith('warning: '));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^warning: aggregator tac was shown to work with at least 100% of clients taking part each round, but selector uniform samples 50%: TAC's k-means clustering .* 0\.63–0\.69 /,
    );
    expect(readLedger(outDir)).toHaveLength(1);
  }, 60_000);
});

describe('trueClientTasks', () => {
  it('is the task map core draws for the federation', async () => {
    for (const [seed, numClients, range] of [
      [11, 6, { min: 1, max: 3 }],
      [4, 12, { min: 1, max: 2 }],
      [0, 1, { min: 3, max: 3 }],
    ] as const) {
      const federation = await prepareFederation(
        parseExperiment({ ...experiment, seed, compare: [], data: { ...experiment.data, numClients, tasksPerClient: range } }),
        tmpdir(),
      );
      expect(trueClientTasks(seed, numClients, 3, range)).toEqual(federation.clientTasks);
    }
  }, 60_000);
});
