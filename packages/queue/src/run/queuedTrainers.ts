import { randomUUID } from 'node:crypto';
import { ConfigError, type RunTrainers, type RunTrainersInput, type RunTrainersSource } from '@fedtune/core';
import { recipeKey } from '../jobs/queueKeys.js';
import { parseRedisUrl, type RedisAddress } from '../redis/redisAddress.js';
import { poolDigest, recipeId, type QueueRecipe } from '../jobs/queueRecipe.js';
import { QueueLink, type QueueLinkOptions } from './queueLink.js';
import { QueuedSlotTrainer } from './queuedSlotTrainer.js';

/** How long a recipe stays in Redis after its run last stored it, for workers that pick up late jobs. */
const RECIPE_TTL_SECONDS = 7 * 24 * 60 * 60;
const DEFAULT_RECONNECT_MS = 30_000;

/** How {@link queuedTrainers} rides out outages and what it reports while it works. */
export interface QueuedTrainersOptions {
  /**
   * How long Redis may stay unreachable before the run fails with an error naming `--resume`
   * (default 30 000 ms). Meanwhile the run waits: a restart of the network or of a persistent
   * Redis costs nothing; a Redis back without the run's data fails the run at once.
   */
  reconnectMs?: number;
  /** Receives notes for the run's log (no worker connected yet, the connection dropped, say). */
  log?: (line: string) => void;
}

/**
 * A run's trainers on the Redis queue at `url`: pass it as `trainers` to `runExperiment`, and start
 * `fedtune worker --queue URL` processes on any machines that have the experiment's plugins and data.
 * Each run opens its own connection and closes it when the run ends.
 * @throws ConfigError at once for a malformed URL or reconnection time, before any data is loaded.
 */
export function queuedTrainers(url: string, options: QueuedTrainersOptions = {}): RunTrainersSource {
  const address = parseRedisUrl(url);
  const reconnectMs = options.reconnectMs ?? DEFAULT_RECONNECT_MS;
  if (!Number.isSafeInteger(reconnectMs) || reconnectMs < 1) {
    throw new ConfigError(`reconnectMs ${reconnectMs} is not a positive whole number of milliseconds; give 1 or more (default ${DEFAULT_RECONNECT_MS}).`);
  }
  const linkOptions: QueueLinkOptions = { reconnectMs, ...(options.log ? { log: options.log } : {}) };
  return (input) => new QueuedRunTrainers(address, input, linkOptions);
}

class QueuedRunTrainers implements RunTrainers {
  private link: Promise<QueueLink> | undefined;
  private readonly trainers: QueuedSlotTrainer[] = [];
  private readonly runId = randomUUID();
  private readonly poolDigest: string;

  constructor(
    private readonly address: RedisAddress,
    private readonly input: RunTrainersInput,
    private readonly options: QueueLinkOptions,
  ) {
    this.poolDigest = poolDigest(input.pool);
  }

  async trainerFor(settings: RunTrainersInput['evaluation']['settings']): Promise<QueuedSlotTrainer> {
    const link = await this.connect();
    const { input } = this;
    const recipe: QueueRecipe = {
      experiment: input.experiment,
      experimentDir: input.resolveFrom,
      tfBackend: input.tfBackend,
      adapter: { ...input.adapter, settings },
      training: input.training,
      poolDigest: this.poolDigest,
    };
    const id = recipeId(recipe);
    await link.client.set(recipeKey(id), JSON.stringify(recipe), 'EX', RECIPE_TTL_SECONDS);
    const trainer = new QueuedSlotTrainer(link, id, this.runId, input.pool);
    this.trainers.push(trainer);
    return trainer;
  }

  async close(): Promise<void> {
    await Promise.all(this.trainers.map((trainer) => trainer.close()));
    // A link that never opened has nothing to close; its error reached the run already.
    await this.link?.then((link) => link.close(), () => undefined);
  }

  private connect(): Promise<QueueLink> {
    this.link ??= QueueLink.open(this.address, this.options).then(async (link) => {
      // Only a note: a managed Redis may refuse CLIENT LIST, which the count needs.
      const workers = await link.workerCount().catch(() => undefined);
      if (workers === 0) {
        this.options.log?.(`note: no worker is connected to ${link.address.display} yet; jobs wait until one starts (fedtune worker --queue URL).`);
      }
      return link;
    });
    return this.link;
  }
}
