import {
  parseExperiment,
  PayloadError,
  type createFedtuneContainer,
  type Experiment,
  type Federation,
  type PreparedRun,
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
  /** Builds a run's components and trainers as the server's simulation does, on this platform. */
  prepare(spec: RunSpec): Promise<PreparedRun>;
}

/**
 * The experiment of a `welcome`, checked against this client's core.
 * @throws PayloadError when it is not JSON; ConfigError when it breaks this core's schema.
 */
export function parseServerExperiment(experimentJson: string): Experiment {
  let json: unknown;
  try {
    json = JSON.parse(experimentJson);
  } catch (error) {
    throw new PayloadError(`the server's experiment is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseExperiment(json, "the server's experiment");
}
