import {
  expandRuns,
  type Experiment,
  indexLayout,
  maxFrameBytes,
  planRun,
  prepareFederation,
  type RunOptions,
  withRunLabel,
} from '@fedtune/core';

/** What the server must know of an experiment's runs before the first client connects. */
export interface WirePlan {
  /** The largest legal frame either way: the WebSocket's `maxPayload`. */
  maxPayload: number;
  /**
   * For each run in `runExperiment`'s order (main run, then each `compare` entry): whether its
   * selector weighs the previous global model, which assignments then carry.
   */
  sendsPreviousGlobal: boolean[];
}

/**
 * Plans every run of the experiment as `runExperiment` will (so a bad pairing is refused before the
 * server listens) and reads off the longest vector any slot trains and which runs need the previous
 * global model.
 * @param experimentJson the experiment as the welcome carries it.
 * @throws ConfigError or PluginError naming the problem and the fix.
 */
export async function planWire(
  experiment: Experiment,
  experimentJson: string,
  experimentDir: string,
  container: RunOptions['container'],
): Promise<WirePlan> {
  const federation = await prepareFederation(experiment, experimentDir);
  const runs = expandRuns(experiment).map((spec) => withRunLabel(spec, () => planRun(spec, federation, container)));
  // A client under heterogeneous ranks trains a slice of its run's adapter: the full layout is the longest.
  const vectorLength = Math.max(...runs.map((run) => indexLayout(run.adapter.instance.layout).size));
  return {
    maxPayload: maxFrameBytes({
      vectorLength,
      experimentJsonBytes: Buffer.byteLength(experimentJson, 'utf8'),
      clientCount: experiment.data.numClients,
    }),
    sendsPreviousGlobal: runs.map((run) => run.components.selector.usesPreviousGlobal === true),
  };
}
