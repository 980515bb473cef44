import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExperiment } from '@fedtune/core';
import { readRunRecords } from '@fedtune/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.js';
import { writeFederationFiles } from './federationFiles.js';
import { fedtuneProcess } from './fedtuneProcess.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-kill-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
describe('fedtune serve killed with SIGKILL and started again with --resume', () => {
  it('takes its fedtune join processes back and finishes with the ledger of fedtune run', async () => {
    // AQUILA's clients keep memory between rounds: they must go back to it as of the checkpoint.
    const experiment = {
      name: 'killed',
      seed: 3,
      plugins: ['@fedtune/plugin-aquila'],
      data: { numClients: 4, partition: { kind: 'dirichlet', alpha: 0.5 }, trainLimit: 400, testLimit: 200 },
      adapter: { rank: 2, alpha: 4 },
      training: { rounds: 6, localSteps: 4, batchSize: 32, optimizer: 'sgd', learningRate: 0.1 },
      selector: 'aquila',
      compressor: 'aquila',
      aggregator: 'aquila',
    };
    const { experimentFile, tokensFile: tokens } = await writeFederationFiles(folder, 'experiment', experiment);
    expect((await runCli(['run', experimentFile, '--out', join(folder, 'simulated'), '--workers', '1'])).code).toBe(0);

    const deployed = join(folder, 'deployed');
    const serveArgs = (listen: string) => ['serve', experimentFile, '--listen', listen, '--tokens', tokens, '--out', deployed];
    const first = fedtuneProcess([...serveArgs('127.0.0.1:0'), '--checkpoint-every', '2']);
    const [, url = '', port = ''] = await first.match(/listening on (ws:\/\/127\.0\.0\.1:(\d+))/);
    const clients = ['0,1', '2-3'].map((ids) => fedtuneProcess(['join', url, '--client', ids, '--tokens', tokens, '--data', folder]));
    // Round 4 of 6 has ended: the checkpoint before round 4 (or, had the kill come first, round 2) is on disk.
    await first.match(/^\[lora\] round 4\/6/m);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = fedtuneProcess([...serveArgs(`127.0.0.1:${port}`), '--resume']);
    const results = await Promise.all([second.exited, ...clients.map((client) => client.exited)]);
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    for (const client of results.slice(1)) {
      expect(client.stdout).toMatch(/closed before the federation finished .*; joining again in 0\.5 s \(try 1 of 12\)/);
      expect(client.stdout).toMatch(/run 1\/1: lora, going on from the server's checkpoint before round [24]/);
    }

    const parsed = parseExperiment(experiment);
    const [resumed] = readRunRecords(parsed, deployed);
    expect(resumed?.ledger.map((row) => row.round)).toEqual([0, 1, 2, 3, 4, 5]);
    expect([resumed]).toEqual(readRunRecords(parsed, join(folder, 'simulated')));
  }, 120_000);
});

describe('a fedtune join process killed with SIGKILL mid-federation', () => {
  it('has its clients counted lost from then on, while the server and the other process finish', async () => {
    const experiment = {
      name: 'client killed',
      seed: 8,
      data: { numClients: 4, trainLimit: 400, testLimit: 200 },
      adapter: { rank: 2, alpha: 4 },
      training: { rounds: 5, localSteps: 3, batchSize: 32 },
      selector: 'all',
    };
    const { experimentFile, tokensFile: tokens } = await writeFederationFiles(folder, 'client-killed', experiment);
    const deployed = join(folder, 'client-killed');
    const server = fedtuneProcess(['serve', experimentFile, '--listen', '127.0.0.1:0', '--tokens', tokens, '--out', deployed]);
    const [, url = ''] = await server.match(/listening on (ws:\/\/\S+)/);
    const survivor = fedtuneProcess(['join', url, '--client', '0,1', '--tokens', tokens]);
    const victim = fedtuneProcess(['join', url, '--client', '2,3', '--tokens', tokens]);
    // Round 2 of 5 has ended on the server: the next round's assignments are on their way.
    await server.match(/^\[lora\] round 2\/5/m);
    victim.child.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');

    const [served, survived] = await Promise.all([server.exited, survivor.exited]);
    for (const result of [served, survived]) expect(result.code, result.stderr).toBe(0);
    expect(served.stdout).toMatch(/clients 2, 3 \(127\.0\.0\.1\) left; 2 of 4 clients connected/);
    const [run] = readRunRecords(parseExperiment(experiment), deployed);
    const rows = run?.ledger ?? [];
    expect(rows.map((row) => row.round)).toEqual([0, 1, 2, 3, 4]);
    // Before the kill every client uploaded; from the round after it, clients 2 and 3 are lost.
    expect(rows.slice(0, 2).map((row) => [row.uploaded, row.lost])).toEqual([
      [4, 0],
      [4, 0],
    ]);
    expect(rows.slice(3).map((row) => [row.uploaded, row.lost])).toEqual([
      [2, 2],
      [2, 2],
    ]);
  }, 120_000);
});
