import {
  assertExperimentComponentsRegistered,
  createFedtuneContainer,
  expandRuns,
  loadPlugins,
  parseExperiment,
  PayloadError,
  prepareFederation,
  type Experiment,
  type Federation,
  type RunSpec,
} from '@fedtune/core';

/** The server's experiment as this client computes it: components, plugins and its own data. */
export interface LocalExperiment {
  experiment: Experiment;
  /** Core's components and the experiment's plugins, in a container of this client's own. */
  container: ReturnType<typeof createFedtuneContainer>;
  /** The data split and every client's partition, computed from the seed as the server's simulation does. */
  federation: Federation;
  /** The runs the server will start, by index: the main run, then each `compare` entry. */
  runs: RunSpec[];
}

/** Where a client finds what the experiment names. */
export interface LocalExperimentOptions {
  /** Folder the experiment's relative paths (data source, base model) are resolved against. */
  dataDir: string;
  /** Folder whose node_modules are searched first for the experiment's plugins. */
  resolveFrom: string;
}

/**
 * Reads the experiment a `welcome` carries and sets it up as the server's simulation would: the
 * experiment's plugins loaded by package name, its data split and partitions computed from its seed.
 * @throws PayloadError when the experiment is not JSON; ConfigError when it breaks this core's
 *   schema; PluginError when a plugin is missing (its message says `npm install <name>`).
 */
export async function setUpExperiment(experimentJson: string, options: LocalExperimentOptions): Promise<LocalExperiment> {
  let json: unknown;
  try {
    json = JSON.parse(experimentJson);
  } catch (error) {
    throw new PayloadError(`the server's experiment is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const experiment = parseExperiment(json, "the server's experiment");
  const container = createFedtuneContainer();
  await loadPlugins(container, experiment.plugins, { resolveFrom: options.resolveFrom });
  assertExperimentComponentsRegistered(container, experiment);
  const federation = await prepareFederation(experiment, options.dataDir);
  return { experiment, container, federation, runs: expandRuns(experiment) };
}
