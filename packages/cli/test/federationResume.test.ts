import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExperiment } from '@fedtune/core';
import { readRunRecords } from '@fedtune/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { joinAsTwoProcesses, serveInProcess, simulate } from './inProcessFederation.js';

/**
 * A server stopped mid-federation and started again with `resume` on its results folder: clients
 * reconnect, go back to their memory as of the checkpoint, and the federation ends with the ledger
 * of `fedtune run`.
 */

const root = mkdtempSync(join(tmpdir(), 'fedtune-served-resume-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// AQUILA's clients keep memory that shapes what they upload: a client that went on with its memory
// past the checkpoint, rather than going back to it, uploads other bytes than the simulation's.
const experiment = parseExperiment({
  name: 'served-resume',
  seed: 7,
  plugins: ['@fedtune/plugin-aquila'],
  data: { numClients: 4, partition: { kind: 'dirichlet', alpha: 0.5 }, trainLimit: 400, testLimit: 200 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 6, localSteps: 4, batchSize: 32, optimizer: 'sgd', learningRate: 0.1 },
  selector: 'aquila',
  compressor: 'aquila',
  aggregator: 'aquila',
});
/** Clients that reconnect to `url` whenever they lose it, quickly, as a test wants. */
function joinAll(url: string, folder: string, log: (line: string) => void) {
  return joinAsTwoProcesses(experiment, url, folder, { log, reconnect: { firstDelayMs: 20, maxDelayMs: 200, attempts: 100 } });
}

describe('a served federation stopped and resumed', () => {
  it("goes on from the checkpoint with the clients' memory of then, and gives fedtune run's ledger", async () => {
    const folder = mkdtempSync(join(root, 'run-'));
    await simulate(experiment, folder);

    let roundFourEnded: () => void = () => {};
    const stopHere = new Promise<void>((resolve) => (roundFourEnded = resolve));
    // The checkpoint after round 3 is the last before the stop; clients have played round 4 on top of it.
    const first = await serveInProcess(experiment, folder, { checkpointEvery: 2, onRound: (event) => event.round === 4 && roundFourEnded() });
    const clientLog: string[] = [];
    const clients = joinAll(first.url, folder, (line) => clientLog.push(line));
    await stopHere;
    await first.stop();
    await expect(first.summaries).rejects.toThrow('the federation server was stopped');

    // The same port, so the clients' address still holds.
    const second = await serveInProcess(experiment, folder, { checkpointEvery: 2, port: first.port, resume: true });
    await Promise.all([second.summaries, ...clients]);

    // Both processes went back to their memory as of the checkpoint.
    expect(clientLog.filter((line) => line === "run 1/1: lora, going on from the server's checkpoint before round 4")).toHaveLength(2);
    const [deployed] = readRunRecords(experiment, join(folder, 'deployed'));
    expect(deployed?.ledger.map((row) => row.round)).toEqual([0, 1, 2, 3, 4, 5]);
    expect([deployed]).toEqual(readRunRecords(experiment, join(folder, 'simulated')));
  }, 300_000);
});
