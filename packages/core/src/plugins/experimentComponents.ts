import type { DependencyContainer } from 'tsyringe';
import { isFedtuneError, PluginError } from '../errors.js';
import type { Experiment, ExperimentOverrides } from '../experiment/schema.js';
import { resolveNamed } from './registry.js';

/**
 * Checks that every component the experiment and each `compare` entry name is registered, so a
 * typo in the last comparison fails before the first run starts rather than after it.
 * @throws PluginError for the first unknown name, saying which comparison names it.
 */
export function assertExperimentComponentsRegistered(container: DependencyContainer, experiment: Experiment): void {
  checkNames(container, experiment);
  for (const comparison of experiment.compare) {
    try {
      checkNames(container, comparison);
    } catch (error) {
      if (!isFedtuneError(error, 'PluginError')) throw error;
      throw new PluginError(`compare entry "${comparison.label}": ${error.message}`, { cause: error });
    }
  }
}

function checkNames(container: DependencyContainer, run: Experiment | ExperimentOverrides): void {
  if ('backend' in run) resolveNamed(container, 'backend', run.backend.name);
  if (run.adapter?.name !== undefined) resolveNamed(container, 'adapter', run.adapter.name);
  if (run.compressor !== undefined) resolveNamed(container, 'compressor', run.compressor.name);
  if (run.selector !== undefined) resolveNamed(container, 'selector', run.selector.name);
  if (run.aggregator !== undefined) resolveNamed(container, 'aggregator', run.aggregator.name);
  if (run.channel !== undefined) resolveNamed(container, 'channel', run.channel.name);
}
