import {
  assertExperimentComponentsRegistered,
  ConfigError,
  createFedtuneContainer,
  DataError,
  loadPlugins,
  parseExperiment,
  PayloadError,
  prepareFederation,
  WorkerPoolTrainer,
  type FeatureSet,
  type TfBackendChoice,
} from '@fedtune/core';
import type { Redis } from 'ioredis';
import { recipeKey } from '../jobs/queueKeys.js';
import { poolDigest, type QueueRecipe } from '../jobs/queueRecipe.js';

/** A recipe built on this machine: its worker threads and the pool they read. */
export interface BuiltRecipe {
  trainer: WorkerPoolTrainer;
  pool: FeatureSet;
}

/** How a worker process builds the trainers its jobs name. */
export interface RecipeTrainersOptions {
  /** Worker threads per recipe: the jobs this process trains at once. */
  concurrency: number;
  /** Folder the experiment's relative paths and plugins are resolved from; the run's folder when absent. */
  dataDir?: string | undefined;
  /** Recipes kept built at once; the least recently used one beyond it is closed. */
  keep?: number;
  log?: (line: string) => void;
}

/**
 * The trainers of the recipes a worker process's jobs name, each built once — the experiment's
 * plugins loaded, its data read and its pool rebuilt from the seed, the base loaded by each worker
 * thread — and kept while jobs keep naming it.
 */
export class RecipeTrainers {
  private readonly built = new Map<string, Promise<BuiltRecipe>>();

  constructor(
    private readonly redis: Redis,
    private readonly options: RecipeTrainersOptions,
  ) {}

  /**
   * The trainer of recipe `id`, built on first use.
   * @throws DataError when the recipe is not in Redis or this machine's data differs from the run's;
   *   whatever loading the experiment throws (PluginError for a missing plugin, …).
   */
  get(id: string): Promise<BuiltRecipe> {
    let entry = this.built.get(id);
    if (entry === undefined) {
      entry = this.build(id);
      // A failed build is not kept: the cause (a missing plugin, say) may be fixed for the next job.
      entry.catch(() => this.built.delete(id));
      this.built.set(id, entry);
      void this.evict();
    } else {
      // Most recently used last.
      this.built.delete(id);
      this.built.set(id, entry);
    }
    return entry;
  }

  async close(): Promise<void> {
    const entries = [...this.built.values()];
    this.built.clear();
    await Promise.allSettled(entries.map(async (entry) => (await entry).trainer.close()));
  }

  private async build(id: string): Promise<BuiltRecipe> {
    const text = await this.redis.get(recipeKey(id));
    if (text === null) {
      throw new DataError(`Training recipe ${id.slice(0, 12)} is not in Redis (expired or removed); start the run again.`);
    }
    const recipe = parseRecipe(text);
    const experiment = parseExperiment(recipe.experiment, 'the queued experiment');
    const dataDir = this.options.dataDir ?? recipe.experimentDir;
    this.options.log?.(`loading experiment ${experiment.name} (recipe ${id.slice(0, 12)}) from ${dataDir}`);
    const container = createFedtuneContainer();
    await loadPlugins(container, experiment.plugins, { resolveFrom: dataDir });
    assertExperimentComponentsRegistered(container, experiment);
    const federation = await prepareFederation(experiment, dataDir);
    try {
      if (poolDigest(federation.pool) !== recipe.poolDigest) {
        throw new DataError(
          `The examples this worker built for experiment ${experiment.name} from ${dataDir} differ from the run's; ` +
            "give the worker the run's data (--data DIR) and the same fedtune and plugin versions.",
        );
      }
      const trainer = await WorkerPoolTrainer.start(
        {
          tfBackend: recipe.tfBackend as TfBackendChoice,
          baseModelPath: federation.basePath,
          baseContextLength: federation.baseContextLength,
          adapter: recipe.adapter,
          plugins: experiment.plugins,
          resolveFrom: dataDir,
          training: recipe.training,
          pool: federation.pool,
        },
        { workers: this.options.concurrency },
      );
      return { trainer, pool: federation.pool };
    } finally {
      // The worker threads load the base themselves; this thread needed it only to build the pool.
      federation.base.dispose();
    }
  }

  private async evict(): Promise<void> {
    const keep = this.options.keep ?? 4;
    while (this.built.size > keep) {
      const [oldest, entry] = this.built.entries().next().value as [string, Promise<BuiltRecipe>];
      this.built.delete(oldest);
      await entry.then((built) => built.trainer.close(), () => undefined);
    }
  }
}

/** A recipe's JSON, checked for the fields a worker reads. */
function parseRecipe(text: string): QueueRecipe {
  let recipe: unknown;
  try {
    recipe = JSON.parse(text);
  } catch (error) {
    throw new PayloadError(`A training recipe in Redis is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const fields = ['experiment', 'experimentDir', 'tfBackend', 'adapter', 'training', 'poolDigest'];
  const missing = fields.filter((field) => typeof recipe !== 'object' || recipe === null || !(field in recipe));
  if (missing.length > 0) {
    throw new ConfigError(`A training recipe in Redis lacks ${missing.join(', ')}; run the same fedtune version on the run and the workers.`);
  }
  return recipe as QueueRecipe;
}
