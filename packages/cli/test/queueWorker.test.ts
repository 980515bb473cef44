import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestRedis, type TestRedis } from '@fedtune/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.js';
import { fedtuneProcess } from './fedtuneProcess.js';

const experiment = {
  name: 'queued-cli',
  seed: 3,
  data: { numClients: 4, partition: { kind: 'dirichlet', alpha: 0.5 }, trainLimit: 400, testLimit: 200 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 2, localEpochs: 1, batchSize: 32, learningRate: 0.005 },
};

let redis: TestRedis;
let folder: string;
let experimentFile: string;

beforeAll(async () => {
  redis = await startTestRedis();
  folder = mkdtempSync(join(tmpdir(), 'fedtune-cli-queue-'));
  experimentFile = join(folder, 'queued.json');
  writeFileSync(experimentFile, JSON.stringify(experiment));
});

afterAll(async () => {
  await redis?.stop();
});

const ledgerWithoutWallTimes = (dir: string) =>
  readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => ({ ...(JSON.parse(line) as Record<string, unknown>), wallMs: undefined }));

describe('fedtune run --queue and fedtune worker', () => {
  // A worker process and two runs each load tfjs, the data and the base: slow on a machine busy with other suites.
  it('trains the run on a worker process, with the ledger of a run without the queue', async () => {
    const worker = fedtuneProcess(['worker', '--queue', redis.url, '--lock-ms', '5000']);
    await worker.match(/waiting for jobs on redis:\/\/127\.0\.0\.1:\d+ \(concurrency 1\)/);
    const queued = await runCli(['run', experimentFile, '--queue', redis.url, '-o', join(folder, 'queued')]);
    expect(queued.stderr).toBe('');
    expect(queued.code).toBe(0);
    const inProcess = await runCli(['run', experimentFile, '--workers', '1', '-o', join(folder, 'in-process')]);
    expect(inProcess.code).toBe(0);
    expect(ledgerWithoutWallTimes(join(folder, 'queued'))).toEqual(ledgerWithoutWallTimes(join(folder, 'in-process')));
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(/worker: stopped after [1-9]\d* jobs?\n$/);
  }, 300_000);

  it('refuses a --queue that is not a Redis URL, naming the form, before training', async () => {
    const result = await runCli(['run', experimentFile, '--queue', 'http://127.0.0.1:6379', '-o', join(folder, 'bad-url')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--queue http://127.0.0.1:6379 has scheme http; give redis://[user:password@]host[:port][/db]');
  });

  it('refuses --queue with --workers, which sets threads of this process', async () => {
    const result = await runCli(['run', experimentFile, '--queue', redis.url, '--workers', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/option '--queue <url>' cannot be used with option '--workers <n>'/);
  });

  it('says when no Redis answers at the URL', async () => {
    const worker = fedtuneProcess(['worker', '--queue', 'redis://127.0.0.1:1']);
    const exit = await worker.exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(/Cannot use the Redis server at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.*Start it \(redis-server\)/);
  });
});
