import { ConfigError, FedtuneError, MAX_TOKEN_BYTES } from '@fedtune/core';
import { FrameConnection } from './connection.js';
import { handshake } from './handshake.js';
import { setUpExperiment } from './localExperiment.js';
import { asError, errorFrameFor } from './protocolViolation.js';
import { ClientSession, type ClientRoundEvent, type FederationTotals } from './session.js';

/** How {@link joinFederation} joins and where it finds what the experiment names. */
export interface JoinFederationOptions {
  /** The server, `ws://HOST:PORT` or `wss://HOST:PORT`. */
  url: string;
  /** Client id → its secret (from `fedtune tokens`); this process plays every one of them. */
  tokens: ReadonlyMap<number, string>;
  /** Folder the experiment's relative paths (data source, base model) are resolved against. */
  dataDir: string;
  /** Folder whose node_modules are searched first for the experiment's plugins (then the working directory). */
  resolveFrom: string;
  /** Progress in words: the join, the experiment, each run. */
  log: (line: string) => void;
  /** Each round, when the server ends it. */
  onRound?: (event: ClientRoundEvent) => void;
  /** PEM certificate(s) to trust for a `wss` server with a self-signed certificate. */
  ca?: string;
  /** Leaves the federation when aborted: the promise rejects and the server counts these clients lost. */
  signal?: AbortSignal;
}

/**
 * Joins a `fedtune serve` federation as the client ids of `tokens` and plays them until the server
 * finishes: it learns the experiment from the server, loads its plugins, computes its own clients'
 * data from the seed, and trains, skips and encodes each assignment as the simulation's clients do,
 * so the server's ledger is the simulation's. Only the compressor's payloads, losses and sample
 * counts leave this process.
 * @returns what this process sent, once the server sent `finish`.
 * @throws ConfigError for bad options or a refused join (naming the reason and the fix);
 *   PluginError when the experiment names a plugin that is not installed (`npm install <name>`);
 *   FedtuneError when the connection drops before `finish`, the server reports an error, or a
 *   training fails.
 */
export async function joinFederation(options: JoinFederationOptions): Promise<FederationTotals> {
  const { url, tokens, signal, log } = options;
  checkTokens(tokens);
  signal?.throwIfAborted();
  const connection = await FrameConnection.open(url, options.ca === undefined ? {} : { ca: options.ca });
  const leave = () =>
    connection.fail(new FedtuneError('left the federation before it finished: stopped', { cause: signal?.reason }));
  if (signal?.aborted === true) leave();
  signal?.addEventListener('abort', leave, { once: true });
  let session: ClientSession | undefined;
  try {
    const welcome = await handshake(connection, tokens, url);
    const ids = welcome.clientIds;
    log(`joined ${url} as client${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`);
    const local = await setUpExperiment(welcome.experimentJson, options);
    const runs = local.runs.length;
    log(`experiment "${local.experiment.name}" (${local.federation.dataOrigin}), ${runs} run${runs === 1 ? '' : 's'}`);
    session = new ClientSession(connection, local, new Set(ids), options.resolveFrom, options);
    const totals = await session.play();
    connection.close();
    return totals;
  } catch (error) {
    // Tells the server why this client leaves, unless the connection has ended already.
    connection.fail(asError(error), errorFrameFor(error));
    throw error;
  } finally {
    signal?.removeEventListener('abort', leave);
    await session?.close();
  }
}

/** Client ids and secrets a `join` frame can carry, checked before connecting. */
function checkTokens(tokens: ReadonlyMap<number, string>): void {
  if (tokens.size === 0) throw new ConfigError('no client ids to join as; give at least one client id with its secret');
  for (const [id, secret] of tokens) {
    if (!Number.isInteger(id) || id < 0 || id > 0xffff_ffff) {
      throw new ConfigError(`client id ${id} is not a whole number from 0 to 4294967295`);
    }
    const bytes = Buffer.byteLength(secret, 'utf8');
    if (bytes === 0 || bytes > MAX_TOKEN_BYTES) {
      throw new ConfigError(
        `the secret of client ${id} is ${bytes === 0 ? 'empty' : `${bytes} bytes long, over the ${MAX_TOKEN_BYTES}-byte limit`}; ` +
          "give the secret the server's tokens file holds for it",
      );
    }
  }
}
