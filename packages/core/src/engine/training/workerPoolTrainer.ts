import Tinypool from 'tinypool';
import type { ClientData, FeatureSet } from '../../data/types.js';
import { ConfigError, FedtuneError } from '../../errors.js';
import type { LocalTrainResult } from '../../model/training/trainer.js';
import type { RandomKey } from '../../random/counterRandom.js';
import { defaultWorkerCount } from './defaultWorkerCount.js';
import { reviveError } from './remoteError.js';
import { shareFeatureSet } from '../../federation/sharedFeatures.js';
import type { SlotTrainer } from './slotTrainer.js';
import type { TrainRequest, WorkerReady, WorkerReply, WorkerRequest } from './workerMessages.js';
import { trainingWorkerFile } from './workerFile.js';
import type { TrainingWorkerRecipe } from './workerRecipe.js';

export { defaultWorkerCount };

/** How a {@link WorkerPoolTrainer} is started. */
export interface WorkerPoolOptions {
  /** Worker threads, each with its own trainer; defaults to {@link defaultWorkerCount}. */
  workers?: number | undefined;
}

/**
 * A {@link SlotTrainer} that trains slots in a pool of worker threads (Tinypool). Each worker
 * builds its trainer once from the recipe: it loads the base itself and reads the examples from
 * the pool's shared buffer, so a request carries only the start vector, the slot's row indices and
 * the random key. Each worker trains one slot at a time, with the same code and tf backend as the
 * main thread, so results match an in-thread `LocalTrainer` bit for bit whichever worker runs them.
 */
export class WorkerPoolTrainer implements SlotTrainer {
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  private constructor(
    private readonly pool: Tinypool,
    /** The pool as the caller built it and as the workers see it (shared); slots may index either. */
    private readonly sources: ReadonlySet<FeatureSet>,
    /** The tf backend every worker trains on. */
    readonly tfBackend: string,
    /** Thread ids of the workers, each of which has built its trainer. */
    readonly threadIds: readonly number[],
  ) {}

  /**
   * Starts the workers and waits until every one has built its trainer, so a bad recipe fails here,
   * not in the first round, and no round pays for start-up.
   *
   * @throws ConfigError for a worker count that is not a positive integer; whatever building the
   *   trainer throws in a worker (PluginError for an unknown adapter, CheckpointError for a missing
   *   base file, …), as the same class.
   */
  static async start(recipe: TrainingWorkerRecipe, options: WorkerPoolOptions = {}): Promise<WorkerPoolTrainer> {
    const workers = options.workers ?? defaultWorkerCount();
    if (!Number.isSafeInteger(workers) || workers < 1) {
      throw new ConfigError(`workers ${workers} is not a positive integer; pass --workers 1 or more (default: one per core).`);
    }
    const shared = shareFeatureSet(recipe.pool);
    const pool = new Tinypool({
      filename: trainingWorkerFile().href,
      minThreads: workers,
      maxThreads: workers,
      workerData: { ...recipe, pool: shared },
    });
    try {
      const arrived = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
      const ready = await Promise.all(
        Array.from({ length: workers }, () => runOn<WorkerReady>(pool, { kind: 'ready', arrived, workers })),
      );
      const backends = [...new Set(ready.map((r) => r.tfBackend))];
      if (backends.length !== 1) {
        throw new ConfigError(
          `Training workers started on different tf backends (${backends.join(', ')}); name one backend in training.tfBackend.`,
        );
      }
      const threadIds = ready.map((r) => r.threadId);
      return new WorkerPoolTrainer(pool, new Set([recipe.pool, shared]), backends[0] as string, threadIds);
    } catch (error) {
      await pool.destroy();
      throw error;
    }
  }

  /**
   * Trains one slot in the next free worker. `data.source` must be the recipe's pool.
   * @throws ConfigError for a slot of another feature set; FedtuneError once closed; whatever the
   *   worker's training throws, as the same class (NonFiniteError when it diverged).
   */
  async train(start: Float32Array, data: ClientData, random: RandomKey): Promise<LocalTrainResult> {
    if (this.closed) throw new FedtuneError('The training worker pool is closed; start a new one to train.');
    if (!this.sources.has(data.source)) {
      throw new ConfigError(
        `Client ${data.clientId}'s examples are not the pool the training workers were given; ` +
          "build client slots on the recipe's pool.",
      );
    }
    const request: TrainRequest = {
      kind: 'train',
      start,
      indices: data.indices,
      clientId: data.clientId,
      slot: data.slot ?? 0,
      random,
    };
    const run = runOn<LocalTrainResult>(this.pool, request);
    this.pending.add(run);
    try {
      return await run;
    } finally {
      this.pending.delete(run);
    }
  }

  /** Worker threads running now: the configured number, 0 after {@link close}. */
  get runningWorkers(): number {
    return this.pool.threads.length;
  }

  /** Lets the requests already made finish, then terminates every worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.pending]);
    await this.pool.destroy();
  }
}

/** Runs one request and unwraps the reply, rebuilding a worker's error as its own class. */
async function runOn<Value>(pool: Tinypool, request: WorkerRequest): Promise<Value> {
  const reply = (await pool.run(request)) as WorkerReply<Value>;
  if (!reply.ok) throw reviveError(reply.error);
  return reply.value;
}
