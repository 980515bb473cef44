import type { FederationTotals } from './session.js';
import { setUpExperiment } from './nodeExperiment.js';
import { nodeConnectionOpener } from './nodeSocket.js';
import { playFederation, type PlayFederationOptions } from './playFederation.js';

/** How {@link joinFederation} joins and where it finds what the experiment names. */
export interface JoinFederationOptions extends Omit<PlayFederationOptions, 'opener' | 'setUp'> {
  /** Folder the experiment's relative paths (data source, base model) are resolved against. */
  dataDir: string;
  /** Folder whose node_modules are searched first for the experiment's plugins (then the working directory). */
  resolveFrom: string;
  /** PEM certificate(s) to trust for a `wss` server with a self-signed certificate. */
  ca?: string;
}

/**
 * Joins a `fedtune serve` federation from Node as the client ids of `tokens` and plays them until
 * the server finishes (see {@link playFederation}): the experiment's plugins are loaded by package
 * name, the clients' data computed from the seed (or read from `dataDir`), and each run trained with
 * this process's trainers. With `reconnect`, a connection lost after the welcome is joined again
 * (same ids and secrets, same experiment) and the run goes on with the clients' memory.
 * @returns what this process sent, once the server sent `finish`.
 * @throws ConfigError for bad options or a refused join (naming the reason and the fix);
 *   PluginError when the experiment names a plugin that is not installed (`npm install <name>`);
 *   FedtuneError when the connection drops before `finish` (after the reconnection tries), the
 *   server reports an error or goes on with a run whose client memory this process lacks, or a
 *   training fails.
 */
export async function joinFederation(options: JoinFederationOptions): Promise<FederationTotals> {
  const { dataDir, resolveFrom, ca, ...play } = options;
  return playFederation({
    ...play,
    opener: nodeConnectionOpener(options.url, ca),
    setUp: (experimentJson) => setUpExperiment(experimentJson, { dataDir, resolveFrom }),
  });
}
