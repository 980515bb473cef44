import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExperiment } from '@fedtune/core';
import { readRunRecords } from '@fedtune/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.js';
import { writeFederationFiles } from './federationFiles.js';
import { fedtuneProcess } from './fedtuneProcess.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-processes-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('fedtune serve with fedtune join processes', () => {
  it('gives the ledger and adapter of fedtune run, and every process exits 0', async () => {
    const experiment = {
      name: 'processes',
      seed: 4,
      data: { numClients: 4, partition: { kind: 'dirichlet', alpha: 0.5 }, trainLimit: 400, testLimit: 200 },
      adapter: { rank: 2, alpha: 4 },
      training: { rounds: 2, localSteps: 3, batchSize: 32, learningRate: 0.005 },
      compressor: { name: 'qsgd', options: { levels: 8 } },
    };
    const { experimentFile, tokensFile: tokens } = await writeFederationFiles(folder, 'experiment', experiment);
    const simulated = await runCli(['run', experimentFile, '--out', join(folder, 'simulated'), '--workers', '1']);
    expect(simulated.code).toBe(0);

    const server = fedtuneProcess(['serve', experimentFile, '--listen', '127.0.0.1:0', '--tokens', tokens, '--out', join(folder, 'deployed')]);
    const [, url = ''] = await server.match(/listening on (ws:\/\/\S+)/);
    const clients = ['0,1', '2-3'].map((ids) => fedtuneProcess(['join', url, '--client', ids, '--tokens', tokens, '--data', folder]));
    const results = await Promise.all([server.exited, ...clients.map((client) => client.exited)]);
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    expect(results[0]?.stdout).toMatch(/│ lora\s+│/);

    const parsed = parseExperiment(experiment);
    const [deployed] = readRunRecords(parsed, join(folder, 'deployed'));
    expect(deployed?.ledger).toHaveLength(2);
    expect(deployed?.adapter).toBeDefined();
    expect([deployed]).toEqual(readRunRecords(parsed, join(folder, 'simulated')));
  }, 300_000);
});
