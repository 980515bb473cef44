import { playFederation, type PlayFederationOptions } from '../client/playFederation.js';
import type { FederationTotals } from '../client/session.js';
import { setUpBrowserExperiment, type BrowserExperimentOptions } from './browserExperiment.js';
import { browserConnectionOpener } from './browserSocket.js';

/** How {@link joinFederationFromBrowser} joins: the protocol options, and what the page was built with. */
export interface BrowserJoinOptions extends Omit<PlayFederationOptions, 'opener' | 'setUp'>, BrowserExperimentOptions {}

/**
 * Joins a `fedtune serve` federation from a browser tab as the client ids of `tokens` and plays
 * them until the server finishes, as `fedtune join` does from Node: same protocol, same client
 * memory, same training, so the server's ledger is the simulation's. The data and base model are
 * fetched from the server's data folder and split locally from the seed; only the compressor's
 * payloads, losses and sample counts are sent.
 * @returns what this tab sent, once the server sent `finish`.
 * @throws ConfigError for a refused join or an experiment a browser cannot run (text data, files on
 *   one machine); PluginError when the page lacks a plugin; FedtuneError when the connection drops
 *   before `finish` or a training fails.
 */
export async function joinFederationFromBrowser(options: BrowserJoinOptions): Promise<FederationTotals> {
  const { plugins, dataUrl, wasmUrl, tfBackend, ...play } = options;
  return playFederation({
    ...play,
    opener: browserConnectionOpener(),
    setUp: (experimentJson) => setUpBrowserExperiment(experimentJson, { plugins, dataUrl, wasmUrl, ...(tfBackend === undefined ? {} : { tfBackend }) }),
  });
}
