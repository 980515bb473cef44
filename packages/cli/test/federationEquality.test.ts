import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandRuns, parseExperiment, type LedgerRow } from '@fedtune/core';
import { readRunRecords } from '@fedtune/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { joinAsTwoProcesses, serveInProcess, simulate } from './inProcessFederation.js';

/**
 * "Simulation = deployment": the same experiment and seed run by `fedtune run` and by a server with
 * real clients over loopback WebSockets give exactly the same ledger (wall times and wire bytes
 * aside) and the same adapter, for core's components and for one experiment of each plugin.
 */

const root = mkdtempSync(join(tmpdir(), 'fedtune-equality-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const small = {
  seed: 7,
  data: { numClients: 6, partition: { kind: 'dirichlet', alpha: 0.5 }, trainLimit: 600, testLimit: 200 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 3, localSteps: 4, batchSize: 32, learningRate: 0.005 },
};

/** What each experiment must show in its deployed ledgers, so the equality covers the method's mechanics. */
const shows: Record<string, (rows: LedgerRow[]) => boolean> = {
  "AQUILA's lazy uploads (and LAQ's)": (rows) => rows.some((row) => row.skipped > 0),
  "SAFARI's losses": (rows) => rows.some((row) => row.lost > 0),
  "TAC's task slots": (rows) => rows.some((row) => row.clustering !== undefined),
};

/** The quickstart as shipped (20 clients, LoRA and head only, full local epochs), cut to two rounds. */
const quickstart = JSON.parse(readFileSync(fileURLToPath(new URL('../../../examples/quickstart.json', import.meta.url)), 'utf8')) as {
  training: Record<string, unknown>;
};

const experiments: Record<string, Record<string, unknown>> = {
  'the quickstart (two of its rounds)': { ...quickstart, training: { ...quickstart.training, rounds: 2 } },
  'core (LoRA with FedAvg and QSGD, head only beside it)': {
    ...small,
    name: 'equality-core',
    selector: { name: 'uniform', options: { fraction: 0.5 } },
    compare: [
      { label: 'qsgd', compressor: { name: 'qsgd', options: { levels: 8 } }, channel: { name: 'bernoulli', options: { successRate: 0.6 } } },
      { label: 'head only', adapter: { name: 'head' } },
    ],
  },
  "AQUILA's lazy uploads (and LAQ's)": {
    ...small,
    name: 'equality-aquila',
    plugins: ['@fedtune/plugin-aquila'],
    training: { ...small.training, rounds: 5, optimizer: 'sgd', learningRate: 0.1 },
    selector: { name: 'aquila', options: { fraction: 0.5 } },
    compressor: 'aquila',
    aggregator: 'aquila',
    compare: [{ label: 'LAQ', selector: { name: 'laq', options: { fraction: 0.5 } }, compressor: { name: 'laq', options: { bits: 4 } } }],
  },
  "SAFARI's losses": {
    ...small,
    name: 'equality-safari',
    plugins: ['@fedtune/plugin-safari'],
    compressor: { name: 'safari-sparse', options: { sparsity: 0.8 } },
    aggregator: 'safari',
    channel: { name: 'bernoulli', options: { successRate: 0.5 } },
  },
  "TAC's task slots": {
    ...small,
    name: 'equality-tac',
    plugins: ['@fedtune/plugin-tac'],
    data: {
      ...small.data,
      partition: { kind: 'dirichlet-quantity', alpha: 0.5 },
      tasks: [{ name: 'classes' }, { name: 'rotated', rotate: 90 }],
      tasksPerClient: { min: 1, max: 2 },
    },
    selector: { name: 'uniform', options: { fraction: 0.5 } },
    aggregator: { name: 'tac', options: { k: 2 } },
  },
  'RM-LoRA': {
    ...small,
    name: 'equality-rmlora',
    plugins: ['@fedtune/plugin-rmlora'],
    adapter: { ...small.adapter, name: 'rmlora' },
  },
};

describe('a federation over WebSockets', () => {
  for (const [what, raw] of Object.entries(experiments)) {
    it(`gives the simulation's ledger and adapter: ${what}`, async () => {
      const experiment = parseExperiment(raw);
      const folder = mkdtempSync(join(root, 'run-'));
      await simulate(experiment, folder);
      const server = await serveInProcess(experiment, folder);
      const clients = joinAsTwoProcesses(experiment, server.url, folder);
      const [summaries] = await Promise.all([server.summaries, ...clients]);
      expect(summaries.map((summary) => summary.label)).toEqual(expandRuns(experiment).map((spec) => spec.label));

      const deployed = join(folder, 'deployed');
      const runs = readRunRecords(experiment, deployed);
      expect(runs).toEqual(readRunRecords(experiment, join(folder, 'simulated')));
      expect(shows[what]?.(runs.flatMap((run) => run.ledger) as LedgerRow[]) ?? true).toBe(true);
      const rows = readFileSync(join(deployed, 'ledger.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as LedgerRow);
      // The wire bytes were measured, and frames carry little beyond their payloads.
      for (const row of rows) {
        expect(row.downlinkWireBytes).toBeGreaterThan(row.downlinkBytes);
        expect(row.uplinkWireBytes ?? 0).toBeGreaterThanOrEqual(row.uplinkBytes);
      }
    }, 300_000);
  }
});
