import {
  assertExperimentComponentsRegistered,
  createFedtuneContainer,
  expandRuns,
  loadPlugins,
  prepareFederation,
  prepareRun,
} from '@fedtune/core';
import { parseServerExperiment, type LocalExperiment } from './localExperiment.js';

/** Where a client finds what the experiment names. */
export interface LocalExperimentOptions {
  /** Folder the experiment's relative paths (data source, base model) are resolved against. */
  dataDir: string;
  /** Folder whose node_modules are searched first for the experiment's plugins. */
  resolveFrom: string;
}

/**
 * Sets up the experiment a `welcome` carries in Node, as the server's simulation would: the
 * experiment's plugins loaded by package name, its data split and partitions computed from its seed.
 * @throws PayloadError when the experiment is not JSON; ConfigError when it breaks this core's
 *   schema; PluginError when a plugin is missing (its message says `npm install <name>`).
 */
export async function setUpExperiment(experimentJson: string, options: LocalExperimentOptions): Promise<LocalExperiment> {
  const experiment = parseServerExperiment(experimentJson);
  const container = createFedtuneContainer();
  await loadPlugins(container, experiment.plugins, { resolveFrom: options.resolveFrom });
  assertExperimentComponentsRegistered(container, experiment);
  const federation = await prepareFederation(experiment, options.dataDir);
  return {
    experiment,
    container,
    federation,
    runs: expandRuns(experiment),
    prepare: (spec) => prepareRun(spec, federation, { container, workers: 1, resolveFrom: options.resolveFrom }),
  };
}

