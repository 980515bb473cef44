import { join } from 'node:path';
import { createFedtuneContainer, loadPlugins, runExperiment, type Experiment } from '@fedtune/core';
import { FederationServer, joinFederation, TokenStore, type FederationServerOptions, type JoinFederationOptions } from '@fedtune/network';
import { cliFolder } from './fedtuneProcess.js';

/** Core's components and `plugins`, loaded into a fresh container. */
export async function containerFor(plugins: readonly string[]) {
  const container = createFedtuneContainer();
  await loadPlugins(container, plugins, { resolveFrom: cliFolder });
  return container;
}

/** The experiment run by `fedtune run`'s engine into `<folder>/simulated`. */
export async function simulate(experiment: Experiment, folder: string): Promise<void> {
  await runExperiment(experiment, { outDir: join(folder, 'simulated'), experimentDir: folder, container: await containerFor(experiment.plugins) });
}

/** One made-up secret per client id of the experiment. */
export function secretsFor(experiment: Experiment): Map<number, string> {
  return new Map(Array.from({ length: experiment.data.numClients }, (_, id) => [id, `secret-${id}`] as const));
}

/** A server on a free loopback port writing into `<folder>/deployed`, with `options` over the defaults. */
export async function serveInProcess(
  experiment: Experiment,
  folder: string,
  options: Partial<FederationServerOptions> = {},
): Promise<FederationServer> {
  return FederationServer.start({
    experiment,
    experimentDir: folder,
    container: await containerFor(experiment.plugins),
    tokens: TokenStore.fromSecrets(secretsFor(experiment)),
    host: '127.0.0.1',
    port: 0,
    outDir: join(folder, 'deployed'),
    roundTimeoutMs: 300_000,
    log: () => {},
    ...options,
  });
}

/** Two processes' worth of clients joining `url`: the even ids on one connection, the odd on another. */
export function joinAsTwoProcesses(
  experiment: Experiment,
  url: string,
  folder: string,
  options: Partial<JoinFederationOptions> = {},
) {
  const secrets = secretsFor(experiment);
  return [0, 1].map((parity) =>
    joinFederation({
      url,
      tokens: new Map([...secrets].filter(([id]) => id % 2 === parity)),
      dataDir: folder,
      resolveFrom: cliFolder,
      log: () => {},
      ...options,
    }),
  );
}
