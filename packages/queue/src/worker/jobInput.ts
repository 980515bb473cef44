import { PayloadError, type ClientData, type FeatureSet, type RandomKey } from '@fedtune/core';
import type { Redis } from 'ioredis';
import { fromBase64 } from '../jobs/binaryText.js';
import { vectorDigest, type TrainingJobData } from '../jobs/trainingJob.js';

/** A job's data, checked field by field before a worker spends time on it: jobs come from the network. */
export function parseJobData(data: unknown): TrainingJobData {
  const job = data as Partial<TrainingJobData> | null;
  const problem = (what: string) => new PayloadError(`A training job ${what}; was it queued by the same fedtune version?`);
  if (typeof job !== 'object' || job === null) throw problem('is not an object');
  if (typeof job.recipe !== 'string' || !/^[0-9a-f]{64}$/.test(job.recipe)) throw problem('names no recipe id');
  for (const field of ['round', 'client', 'slot'] as const) {
    if (!isCount(job[field])) throw problem(`has ${field} ${String(job[field])}, not a count`);
  }
  const random = job.random as Partial<RandomKey> | undefined;
  if (typeof random !== 'object' || random === null || !(['seed', 'round', 'client', 'stream'] as const).every((k) => isCount(random[k]))) {
    throw problem('has no valid random key');
  }
  const start = job.start;
  if (typeof start !== 'object' || start === null || typeof start.key !== 'string' || !/^[0-9a-f]{64}$/.test(start.digest) || !isCount(start.length)) {
    throw problem('names no valid start vector');
  }
  if (typeof job.indices !== 'string') throw problem('has no slot rows');
  return job as TrainingJobData;
}

/**
 * The slot's examples: the job's rows of this worker's pool.
 * @throws PayloadError for rows that are not uint32 values within the pool.
 */
export function slotData(job: TrainingJobData, pool: FeatureSet): ClientData {
  const indices = fromBase64(job.indices, Uint32Array, `the rows of client ${job.client}'s job`);
  const outside = indices.findIndex((row) => row >= pool.count);
  if (outside >= 0) {
    throw new PayloadError(`Client ${job.client}'s job names row ${indices[outside]} of a pool of ${pool.count} examples; it was refused.`);
  }
  return { clientId: job.client, slot: job.slot, source: pool, indices };
}

/**
 * Start vectors fetched from Redis, the last few kept: every participant of a round shares one.
 * Each is checked against the digest and length its job gives, and for finite values, like an upload.
 */
export class StartVectors {
  private readonly cache = new Map<string, Promise<Float32Array>>();

  constructor(
    private readonly redis: Redis,
    private readonly keep = 4,
  ) {}

  get(job: TrainingJobData): Promise<Float32Array> {
    const { key } = job.start;
    let entry = this.cache.get(key);
    if (entry === undefined) {
      entry = this.fetch(job);
      entry.catch(() => this.cache.delete(key));
      this.cache.set(key, entry);
      while (this.cache.size > this.keep) this.cache.delete(this.cache.keys().next().value as string);
    }
    return entry;
  }

  private async fetch(job: TrainingJobData): Promise<Float32Array> {
    const { key, digest, length } = job.start;
    const text = await this.redis.get(key);
    if (text === null) throw new PayloadError(`The start vector of client ${job.client}'s job in round ${job.round} is no longer in Redis; its run has ended or restarted.`);
    const vector = fromBase64(text, Float32Array, `the start vector of round ${job.round}`);
    if (vector.length !== length) throw new PayloadError(`The start vector of round ${job.round} holds ${vector.length} values, not the job's ${length}; it was refused.`);
    if (vectorDigest(vector) !== digest) throw new PayloadError(`The start vector of round ${job.round} does not match its job's digest; it was refused.`);
    const bad = vector.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new PayloadError(`The start vector of round ${job.round} holds ${vector[bad]} at index ${bad}; it was refused.`);
    return vector;
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
