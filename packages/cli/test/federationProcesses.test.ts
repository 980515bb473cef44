import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExperiment } from '@fedtune/core';
import { readRunRecords } from '@fedtune/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.js';

const bin = fileURLToPath(new URL('../bin/fedtune.js', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'fedtune-processes-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(folder, { recursive: true, force: true });
});

/** `fedtune <args>` as its own process; resolves with its exit code and output. */
function fedtune(args: string[], onStdout?: (text: string) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    onStdout?.(stdout);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

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
    const experimentFile = join(folder, 'experiment.json');
    writeFileSync(experimentFile, JSON.stringify(experiment));
    const tokens = join(folder, 'tokens.json');
    expect((await runCli(['tokens', '--clients', '4', '--out', tokens])).code).toBe(0);
    const simulated = await runCli(['run', experimentFile, '--out', join(folder, 'simulated'), '--workers', '1']);
    expect(simulated.code).toBe(0);

    let announce: (url: string) => void = () => {};
    const listening = new Promise<string>((resolve) => (announce = resolve));
    const server = fedtune(['serve', experimentFile, '--listen', '127.0.0.1:0', '--tokens', tokens, '--out', join(folder, 'deployed')], (text) => {
      const found = /listening on (ws:\/\/\S+)/.exec(text);
      if (found?.[1] !== undefined) announce(found[1]);
    });
    const url = await listening;
    const clients = ['0,1', '2-3'].map((ids) => fedtune(['join', url, '--client', ids, '--tokens', tokens]));
    const results = await Promise.all([server, ...clients]);
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    expect(results[0]?.stdout).toMatch(/│ lora\s+│/);

    const parsed = parseExperiment(experiment);
    const [deployed] = readRunRecords(parsed, join(folder, 'deployed'));
    expect(deployed?.ledger).toHaveLength(2);
    expect(deployed?.adapter).toBeDefined();
    expect([deployed]).toEqual(readRunRecords(parsed, join(folder, 'simulated')));
  }, 300_000);
});
