import type { AdapterInstance } from '../../contracts/adapter.js';
import { createFedtuneContainer } from '../../builtins/corePlugin.js';
import { loadPlugins } from '../../plugins/loader.js';
import { resolveNamed } from '../../plugins/registry.js';
import type { BaseModel } from '../../model/architectures/baseModel.js';
import { loadBaseModel } from '../../model/formats/baseModelFile.js';
import { loadHfModel } from '../../model/formats/huggingface/loadHfModel.js';
import { useTfBackend } from '../../model/training/tfBackend.js';
import { LocalTrainer } from '../../model/training/trainer.js';
import { ShapeError } from '../../errors.js';
import type { TrainingWorkerRecipe } from './workerRecipe.js';

/** A trainer built from a recipe, with what it was built on. */
export interface RecipeTrainer {
  trainer: LocalTrainer;
  base: BaseModel;
  adapter: AdapterInstance;
  /** The tfjs backend actually in use. */
  tfBackend: string;
  /** Length of the adapter's flat parameter vector. */
  parameterCount: number;
}

/**
 * Builds the `LocalTrainer` a recipe describes: selects the tf backend, loads the base, loads the
 * plugins into a fresh container and builds the adapter by name. Training workers call it once at
 * start; in the main thread it gives the same trainer, for comparison.
 *
 * @throws PluginError for an unknown adapter or plugin, CheckpointError for a missing or malformed
 *   base file, ConfigError for a backend that cannot start or invalid training options, ShapeError
 *   when the pool's features do not fit the base.
 */
export async function trainerFromRecipe(recipe: TrainingWorkerRecipe): Promise<RecipeTrainer> {
  const tfBackend = await useTfBackend(recipe.tfBackend);
  const container = createFedtuneContainer();
  await loadPlugins(container, recipe.plugins, { resolveFrom: recipe.resolveFrom });
  // The name is checked before the base is read, so a typo fails fast and names the choices.
  const factory = resolveNamed(container, 'adapter', recipe.adapter.name);
  const { baseModelPath, baseContextLength } = recipe;
  const base =
    baseContextLength === undefined
      ? await loadBaseModel(baseModelPath)
      : (await loadHfModel(baseModelPath, { contextLength: baseContextLength })).model;
  try {
    if (base.inputSize !== recipe.pool.featureSize) {
      throw new ShapeError(
        `The base ${recipe.baseModelPath} takes ${base.inputSize} inputs but the pool has ${recipe.pool.featureSize} features; ` +
          'give the workers the features the federation was built with.',
      );
    }
    const adapter = factory.create(recipe.adapter.options, recipe.adapter.context).create(base.modules, recipe.adapter.settings);
    const trainer = new LocalTrainer(base, adapter, recipe.training);
    const parameterCount = adapter.layout.reduce((n, spec) => n + spec.shape.reduce((a, b) => a * b, 1), 0);
    return { trainer, base, adapter, tfBackend, parameterCount };
  } catch (error) {
    base.dispose();
    throw error;
  }
}
