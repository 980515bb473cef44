import { randomUUID } from 'node:crypto';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ConfigError, serialiseError } from '@fedtune/core';
import { resultKey, TRAINING_QUEUE } from '../jobs/queueKeys.js';
import { trainedSlot, type TrainingJobReply } from '../jobs/trainingJob.js';
import { parseRedisUrl } from '../redis/redisAddress.js';
import { connectRedis, unusableRedis } from '../redis/connectRedis.js';
import { parseJobData, slotData, StartVectors } from './jobInput.js';
import { RecipeTrainers } from './recipeTrainers.js';

/** How a queue worker process is started. */
export interface QueueWorkerOptions {
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://…` for TLS. */
  url: string;
  /** Jobs trained at once, each in a worker thread of its own (default 1). */
  concurrency?: number;
  /** Folder the experiment's relative paths and plugins are resolved from; the run's folder when absent. */
  dataDir?: string;
  /**
   * How long a job stays with a worker that stopped answering (killed, cut off) before another
   * worker takes it; also how often this worker looks for such jobs. BullMQ's default is 30 s.
   */
  lockMs?: number;
  /** Receives a line when a job starts and when it ends. */
  onJob?: (event: { id: string; round: number; client: number; slot: number; phase: 'started' | 'finished' }) => void;
  log?: (line: string) => void;
}

/** A running queue worker. */
export interface QueueWorker {
  /** The Redis URL with its password masked. */
  address: string;
  /** Stops taking jobs, lets the jobs in hand finish, and closes worker threads and connections. */
  close(): Promise<void>;
}

const DEFAULT_LOCK_MS = 30_000;
/** How long a stored result waits for its run: the run reads it at once, unless it died meanwhile. */
const RESULT_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Starts a worker that takes training jobs off the queue at `url`: for each job it builds (once per
 * recipe) the experiment's trainer on this machine's plugins and data, trains the slot in a worker
 * thread, and stores the trained vector in Redis for the run, the job's reply naming its key.
 * Training errors travel back as the job's reply, so a diverged client stays a rejected client in
 * the run; a worker killed mid-job loses only its lock, and BullMQ's stalled-job check hands the
 * job to another worker.
 * @throws ConfigError for a bad URL or concurrency; FedtuneError when Redis cannot be reached.
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new ConfigError(`concurrency ${concurrency} is not a positive integer; pass --concurrency 1 or more.`);
  }
  const lockMs = options.lockMs ?? DEFAULT_LOCK_MS;
  if (!Number.isSafeInteger(lockMs) || lockMs < 1000) {
    throw new ConfigError(`lock time ${lockMs} ms is below 1000 ms; a job's lock must outlast a busy moment, so pass 1000 or more.`);
  }
  const address = parseRedisUrl(options.url);
  // Workers wait out any outage: the client reconnects for as long as it is open, and BullMQ's
  // connections, duplicated from it, do too.
  const keys = await connectRedis(address);
  logErrors(keys, options.log);
  const trainers = new RecipeTrainers(keys, { concurrency, dataDir: options.dataDir, ...(options.log ? { log: options.log } : {}) });
  const vectors = new StartVectors(keys);
  const train = async (job: Job): Promise<TrainingJobReply> => {
    try {
      const data = parseJobData(job.data);
      const event = { id: String(job.id), round: data.round, client: data.client, slot: data.slot };
      options.onJob?.({ ...event, phase: 'started' });
      const [built, start] = await Promise.all([trainers.get(data.recipe), vectors.get(data)]);
      const result = await built.trainer.train(start, slotData(data, built.pool), data.random);
      const key = resultKey(randomUUID());
      await keys.set(key, JSON.stringify(trainedSlot(data, result)), 'PX', RESULT_TTL_MS);
      options.onJob?.({ ...event, phase: 'finished' });
      return { ok: true, value: { result: key } };
    } catch (error) {
      return { ok: false, error: serialiseError(error) };
    }
  };
  const worker = new Worker(TRAINING_QUEUE, train, {
    connection: keys,
    concurrency,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    autorun: false,
  });
  worker.on('error', (error) => options.log?.(`queue error: ${error.message}`));
  try {
    await worker.waitUntilReady();
  } catch (error) {
    await worker.close().catch(() => undefined);
    keys.disconnect();
    throw unusableRedis(address, error);
  }
  worker.run().catch((error: Error) => options.log?.(`queue worker stopped: ${error.message}`));
  return {
    address: address.display,
    async close() {
      await worker.close();
      await trainers.close();
      keys.disconnect();
    },
  };
}

/**
 * Logs the client's errors, once each while they repeat: a Redis that is away fails every
 * reconnection attempt alike. Without a listener ioredis would print them itself.
 */
function logErrors(client: Redis, log: ((line: string) => void) | undefined): void {
  let last: string | undefined;
  client.on('error', (error: Error) => {
    if (error.message !== last) log?.(`redis: ${error.message}`);
    last = error.message;
  });
  client.on('ready', () => {
    last = undefined;
  });
}
