import type { Job } from 'bullmq';
import {
  ConfigError,
  FedtuneError,
  reviveError,
  type ClientData,
  type FeatureSet,
  type LocalTrainResult,
  type RandomKey,
  type SlotTrainer,
} from '@fedtune/core';
import { toBase64 } from '../jobs/binaryText.js';
import { vectorKey } from '../jobs/queueKeys.js';
import { acceptResult, resultKeyOf, vectorDigest, type TrainingJobData, type VectorReference } from '../jobs/trainingJob.js';
import type { QueueLink } from './queueLink.js';

/** How long a stored start vector outlives its run if the run dies before removing it. */
const VECTOR_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * A {@link SlotTrainer} whose slots are trained by worker processes (`fedtune worker`) that take
 * BullMQ jobs off a Redis queue. A job names its recipe and carries the slot's rows and random key;
 * the start vector, which every participant of a round shares, is stored in Redis once and named
 * by reference; the worker stores the trained vector under a key of its own and the job's reply
 * names it. Each call resolves with its own job's result, checked like an upload, so results
 * come back in whatever order the caller awaits them — as from the worker pool.
 */
export class QueuedSlotTrainer implements SlotTrainer {
  /** Start vectors stored for this trainer's jobs, by key, with the round that stored them. */
  private readonly stored = new Map<string, { round: number; write: Promise<unknown> }>();
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly link: QueueLink,
    private readonly recipe: string,
    /** Tells this run's vectors apart from another run's in the same Redis. */
    private readonly runId: string,
    private readonly pool: FeatureSet,
  ) {}

  /**
   * Queues one slot's training and waits for a worker's result.
   * @throws ConfigError for a slot of another pool; PayloadError for a result that does not answer
   *   this job or is malformed; the worker's training error as its class (NonFiniteError when it
   *   diverged); FedtuneError when Redis goes away or the job fails on every worker.
   */
  async train(start: Float32Array, data: ClientData, random: RandomKey): Promise<LocalTrainResult> {
    if (this.closed) throw new FedtuneError('The queued trainer is closed; start a new run to train.');
    if (data.source !== this.pool) {
      throw new ConfigError(`Client ${data.clientId}'s examples are not the run's pool; queued workers rebuild only that pool.`);
    }
    const work = this.trainQueued(start, data, random);
    this.pending.add(work);
    try {
      return await work;
    } finally {
      this.pending.delete(work);
    }
  }

  /** Lets the jobs already queued finish, then removes the vectors this trainer stored. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.pending]);
    await this.forget(() => true);
  }

  private async trainQueued(start: Float32Array, data: ClientData, random: RandomKey): Promise<LocalTrainResult> {
    const job: TrainingJobData = {
      recipe: this.recipe,
      round: random.round,
      client: data.clientId,
      slot: data.slot ?? 0,
      random,
      start: await this.link.guard(this.storeStart(start, random.round)),
      indices: toBase64(data.indices),
    };
    const added = await this.link.guard(this.link.queue.add('train', job, { removeOnComplete: false, removeOnFail: false }));
    let reply: unknown;
    try {
      reply = await this.link.guard(this.waitFor(added));
    } finally {
      // Answered or failed, the job need not stay in Redis (nor, below, the result once it is read).
      await added.remove().catch(() => undefined);
    }
    const key = resultKeyOf(reply, job, reviveError);
    const stored = await this.link.guard(this.link.client.get(key));
    await this.link.client.del(key).catch(() => undefined);
    return acceptResult(stored, job);
  }

  /** The job's return value; rejects when it failed on the workers or Redis went away. */
  private async waitFor(job: Job): Promise<unknown> {
    try {
      return await job.waitUntilFinished(this.link.events);
    } catch (error) {
      throw new FedtuneError(
        `The training job of client ${job.data.client} in round ${job.data.round} failed on the workers: ` +
          `${(error as Error).message}. See the workers' output for why.`,
        { cause: error },
      );
    }
  }

  /**
   * Stores `start` once per distinct vector and returns the reference jobs carry. Vectors of earlier
   * rounds are removed: the round loop has every result of a round before it starts the next.
   */
  private async storeStart(start: Float32Array, round: number): Promise<VectorReference> {
    const digest = vectorDigest(start);
    const key = vectorKey(this.runId, digest);
    let entry = this.stored.get(key);
    if (entry === undefined) {
      // Registered before anything is awaited, so the round's other participants wait on this one write.
      const stale = this.forget((storedRound) => storedRound < round);
      entry = { round, write: Promise.all([stale, this.link.client.set(key, toBase64(start), 'PX', VECTOR_TTL_MS)]) };
      this.stored.set(key, entry);
    }
    await entry.write;
    return { key, digest, length: start.length };
  }

  private async forget(which: (round: number) => boolean): Promise<void> {
    const keys = [...this.stored].filter(([, entry]) => which(entry.round)).map(([key]) => key);
    for (const key of keys) this.stored.delete(key);
    if (keys.length > 0) await this.link.client.del(...keys).catch(() => undefined);
  }
}
