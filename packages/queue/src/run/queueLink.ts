import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { FedtuneError } from '@fedtune/core';
import type { RedisAddress } from '../redis/redisAddress.js';
import { connectRedis, unusableRedis } from '../redis/connectRedis.js';
import { linkKey, TRAINING_QUEUE } from '../jobs/queueKeys.js';
import { watchConnection } from './connectionWatch.js';

/** How long a run's link key outlives a run that died without removing it; the link renews it well before. */
const LINK_KEY_TTL_MS = 60 * 60 * 1000;

/** How a run's link to Redis rides out outages. */
export interface QueueLinkOptions {
  /** How long Redis may stay unreachable before the run fails. */
  reconnectMs: number;
  /** Receives a note when the connection drops and when it is back. */
  log?: (line: string) => void;
}

/**
 * A run's side of the training queue: the queue it adds jobs to, the events it learns their
 * results from, and a watch on both connections. A short outage costs nothing: the clients
 * reconnect and commands wait. Redis lost for good — away longer than `reconnectMs`, or back
 * without the run's data (a restart loses the jobs held only in memory) — fails every wait at once
 * with one clear error, rather than leaving the run waiting on jobs that are gone.
 */
export class QueueLink {
  private lost: FedtuneError | undefined;
  private readonly lostListeners = new Set<(error: FedtuneError) => void>();
  private closing = false;
  private readonly stopWatching: (() => void)[];
  private readonly renewLinkKey: NodeJS.Timeout;

  private constructor(
    readonly address: RedisAddress,
    readonly queue: Queue,
    readonly events: QueueEvents,
    /** The run's own connection, which the queue shares: for the recipe, start vector and result keys. */
    readonly client: Redis,
    /** The connection BullMQ made for the queue events (from `client`). */
    private readonly eventsClient: Redis,
    /** A key only this link sets: gone after a reconnection means Redis lost the run's data. */
    private readonly linkKey: string,
    options: QueueLinkOptions,
  ) {
    const watch = {
      holdsRunData: async () => (await client.exists(linkKey)) === 1,
      onLost: (reason: string) => this.connectionLost(reason),
    };
    this.stopWatching = [
      // The run's own client ends only when its reconnection policy gave up. BullMQ also ends and
      // reopens the events' connection to reset a read that overran, so there only the data counts.
      watchConnection(client, {
        ...watch,
        endedReason: `unreachable for ${options.reconnectMs / 1000} s`,
        ...(options.log ? { log: options.log } : {}),
      }),
      watchConnection(eventsClient, watch),
    ];
    this.renewLinkKey = setInterval(() => void client.pexpire(linkKey, LINK_KEY_TTL_MS).catch(() => undefined), LINK_KEY_TTL_MS / 4);
    this.renewLinkKey.unref();
    // BullMQ re-emits connection errors on its objects; the watch above reports them.
    queue.on('error', () => {});
    // Each job awaiting its result listens for the queue closing: a round has one per participant.
    queue.setMaxListeners(0);
    events.on('error', () => {});
  }

  /**
   * Connects to the Redis server at `address` and waits until the queue and its events are ready.
   * @throws FedtuneError when Redis cannot be reached or refuses the login.
   */
  static async open(address: RedisAddress, options: QueueLinkOptions): Promise<QueueLink> {
    const client = await connectRedis(address, { giveUpAfterMs: options.reconnectMs });
    // The queue shares `client`; the events get a connection of their own, which BullMQ duplicates from it.
    const queue = new Queue(TRAINING_QUEUE, { connection: client });
    const events = new QueueEvents(TRAINING_QUEUE, { connection: client });
    try {
      const linkKeyName = linkKey(randomUUID());
      await client.set(linkKeyName, '1', 'PX', LINK_KEY_TTL_MS);
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
      const eventsClient = (await events.getBackend().client) as unknown as Redis;
      return new QueueLink(address, queue, events, client, eventsClient, linkKeyName, options);
    } catch (error) {
      await Promise.allSettled([queue.close(), events.close()]);
      client.disconnect();
      throw unusableRedis(address, error);
    }
  }

  /**
   * `operation`, failing with the lost-connection error instead when Redis goes away first or the
   * operation failed because it did: one error names the cause, whatever command noticed it.
   */
  guard<T>(operation: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const stopWatching = this.onLost(reject);
      operation.then(
        (value) => {
          stopWatching();
          resolve(value);
        },
        (error: unknown) => {
          stopWatching();
          reject(this.lost ?? error);
        },
      );
    });
  }

  /** Calls `listener` once if Redis goes away before {@link close}; returns how to stop listening. */
  onLost(listener: (error: FedtuneError) => void): () => void {
    if (this.lost !== undefined) {
      listener(this.lost);
      return () => {};
    }
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** Waiting workers BullMQ knows of (each process's connection, whatever its concurrency). */
  async workerCount(): Promise<number> {
    return (await this.queue.getWorkers()).length;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const stop of this.stopWatching) stop();
    clearInterval(this.renewLinkKey);
    // Closing a client while it waits to reconnect would leave it waiting for good (an ioredis
    // quirk) and BullMQ's close with it: wait until it is back or gave up, which the policy bounds.
    await Promise.all([settled(this.client), settled(this.eventsClient)]);
    await this.client.del(this.linkKey).catch(() => undefined);
    await Promise.allSettled([this.queue.close(), this.events.close()]);
    this.client.disconnect();
  }

  private connectionLost(reason: string): void {
    if (this.closing || this.lost !== undefined) return;
    this.lost = new FedtuneError(
      `Lost the connection to Redis at ${this.address.display} (${reason}) while training jobs were queued; ` +
        'jobs held only in its memory are gone. Once Redis is back, go on with `fedtune run --resume DIR --queue URL` ' +
        'from the last checkpoint (start runs with --checkpoint-every), or start the run again.',
    );
    for (const listener of this.lostListeners) listener(this.lost);
    this.lostListeners.clear();
  }
}

/** Resolves once `client` is connected, not yet connecting, or ended. */
function settled(client: Redis): Promise<void> {
  if (['ready', 'wait', 'end'].includes(client.status)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      client.off('ready', done).off('end', done);
      resolve();
    };
    client.once('ready', done).once('end', done);
  });
}
