import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuedTrainers } from '../src/index.js';
import { startTestRedis, type TestRedis } from '../src/testing/index.js';
import { adapterOf, ledgerOf, runSmall, scratchFolder } from './support/smallExperiment.js';
import { startWorkerProcess, startWorkerProcesses, type WorkerProcess } from './support/workerProcesses.js';

/** Short enough that a killed worker's job moves on within seconds, long enough for a busy machine's pauses. */
const LOCK_MS = 3000;
/** Short, so the run gives up on a Redis that is down soon after it went. */
const RECONNECT_MS = 2000;
/** Worker processes load tfjs, the data and the base each: on a machine busy with other suites that takes minutes, not seconds. */
const PROCESS_TEST_TIMEOUT_MS = 300_000;

let redis: TestRedis;
let root: string;
let inProcess: string;

beforeAll(async () => {
  redis = await startTestRedis();
  root = scratchFolder();
  inProcess = join(root, 'in-process');
  await runSmall(inProcess);
});

afterAll(async () => {
  await redis?.stop();
});

async function withWorkers<T>(workers: WorkerProcess[], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    await Promise.all(workers.map((worker) => worker.kill()));
  }
}

describe('a run whose clients train on queue worker processes', () => {
  it.each([1, 2, 3])('writes the in-process ledger and adapter with %i worker process(es)', async (count) => {
    const workers = await startWorkerProcesses(redis.url, count, LOCK_MS);
    const outDir = join(root, `queued-${count}`);
    await withWorkers(workers, () => runSmall(outDir, { trainers: queuedTrainers(redis.url) }));
    expect(ledgerOf(outDir)).toEqual(ledgerOf(inProcess));
    expect(adapterOf(outDir).equals(adapterOf(inProcess))).toBe(true);
  }, PROCESS_TEST_TIMEOUT_MS);

  it('writes the same ledger when a worker is killed with -9 in the middle of a job', async () => {
    const doomed = await startWorkerProcess(redis.url, LOCK_MS);
    const outDir = join(root, 'killed');
    const run = runSmall(outDir, { trainers: queuedTrainers(redis.url) });
    run.catch(() => undefined);
    await doomed.firstJob;
    await doomed.kill();
    // The survivor starts after the kill, so the killed worker's job can only come back through BullMQ's stalled-job check.
    const survivor = await startWorkerProcess(redis.url, LOCK_MS);
    await withWorkers([survivor], () => run);
    expect(ledgerOf(outDir)).toEqual(ledgerOf(inProcess));
  }, PROCESS_TEST_TIMEOUT_MS);

  it('fails with an error naming Redis and --resume when Redis stays down, and a resumed run ends with the same ledger', async () => {
    const outDir = join(root, 'restarted');
    const first = await startWorkerProcess(redis.url, LOCK_MS);
    let killed: Promise<void> | undefined;
    const run = runSmall(outDir, {
      trainers: queuedTrainers(redis.url, { reconnectMs: RECONNECT_MS }),
      checkpointEvery: 1,
      onRound: (event) => {
        if (event.round === 0) killed ??= redis.kill();
      },
    });
    await withWorkers([first], () =>
      expect(run).rejects.toThrow(/Lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+ \(unreachable for 2 s: .*fedtune run --resume DIR --queue URL/),
    );
    await killed;
    await redis.restart();
    const second = await startWorkerProcess(redis.url, LOCK_MS);
    await withWorkers([second], () => runSmall(outDir, { trainers: queuedTrainers(redis.url), checkpointEvery: 1, resume: true }));
    expect(ledgerOf(outDir)).toEqual(ledgerOf(inProcess));
  }, PROCESS_TEST_TIMEOUT_MS);
});
