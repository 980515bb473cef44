import { ConfigError, FedtuneError, MAX_TOKEN_BYTES, type WelcomeMessage } from '@fedtune/core';
import { FrameConnection, type ConnectionOpener } from './connection.js';
import { handshake } from './handshake.js';
import type { LocalExperiment } from './localExperiment.js';
import { asError, errorFrameFor, ProtocolViolation } from './protocolViolation.js';
import { Reconnection, type ReconnectOptions } from './reconnect.js';
import { ClientSession, type ClientRoundEvent, type FederationTotals } from './session.js';

/** How {@link playFederation} joins, on the platform the client runs on. */
export interface PlayFederationOptions {
  /** The server, `ws://HOST:PORT` or `wss://HOST:PORT`. */
  url: string;
  /** Client id → its secret (from `fedtune tokens`); this client plays every one of them. */
  tokens: ReadonlyMap<number, string>;
  /** Opens the WebSocket: `ws` in Node, the native one in a browser. */
  opener: ConnectionOpener;
  /** Sets up the experiment a welcome carries: its plugins, this client's data, how a run is prepared. */
  setUp: (experimentJson: string) => Promise<LocalExperiment>;
  /** Progress in words: the join, the experiment, each run. */
  log: (line: string) => void;
  /** Each round, when the server ends it. */
  onRound?: (event: ClientRoundEvent) => void;
  /** Leaves the federation when aborted: the promise rejects and the server counts these clients lost. */
  signal?: AbortSignal;
  /**
   * Join again when the connection is lost after the welcome (the server or the network failed),
   * with exponential backoff; without it, a lost connection ends the join with an error.
   */
  reconnect?: ReconnectOptions;
}

/**
 * Joins a `fedtune serve` federation as the client ids of `tokens` and plays them until the server
 * finishes: it learns the experiment from the server, sets it up (`setUp`: plugins, this client's
 * data from the seed), and trains, skips and encodes each assignment as the simulation's clients do,
 * so the server's ledger is the simulation's. Only the compressor's payloads, losses and sample
 * counts leave this client. With `reconnect`, a connection lost after the welcome is joined again
 * (same ids and secrets, same experiment) and the run goes on with the clients' memory. The part of
 * a client both `joinFederation` (Node) and the browser page play.
 * @returns what this client sent, once the server sent `finish`.
 * @throws ConfigError for bad options or a refused join (naming the reason and the fix); what
 *   `setUp` throws (a PluginError for a plugin this client lacks);
 *   FedtuneError when the connection drops before `finish` (after the reconnection tries), the
 *   server reports an error or goes on with a run whose client memory this process lacks, or a
 *   training fails.
 */
export async function playFederation(options: PlayFederationOptions): Promise<FederationTotals> {
  const { url, tokens, signal, log } = options;
  checkTokens(tokens);
  const reconnection = options.reconnect === undefined ? undefined : new Reconnection(checkReconnect(options.reconnect));
  signal?.throwIfAborted();
  let joined: { session: ClientSession; fingerprint: string } | undefined;
  try {
    for (;;) {
      try {
        const connection = await FrameConnection.open(url, options.opener);
        return await playConnection(connection, options, async (welcome) => {
          if (joined === undefined) {
            joined = { session: await startSession(welcome, options), fingerprint: welcome.fingerprint };
          } else {
            checkSameFederation(welcome, joined.fingerprint, tokens, url);
            log(`joined ${url} again as ${describeIds(welcome.clientIds)}`);
          }
          reconnection?.joined();
          return joined.session;
        });
      } catch (error) {
        // Before the first welcome nothing is lost: a wrong address or a refusal is reported at once.
        const retry = joined === undefined || signal?.aborted === true ? undefined : reconnection?.next(error);
        if (retry === undefined) throw error;
        log(`${(error as Error).message}; joining again in ${retry.delayMs / 1000} s (try ${retry.attempt} of ${retry.attempts})`);
        await Reconnection.wait(retry.delayMs, signal).catch(() => {
          throw stoppedError(signal);
        });
      }
    }
  } finally {
    await joined?.session.close();
  }
}

/**
 * Runs one connection: the handshake, then the session `welcomed` gives, until `finish`.
 * @throws what the handshake or the session threw, after telling the server (unless the
 *   connection ended already).
 */
async function playConnection(
  connection: FrameConnection,
  options: PlayFederationOptions,
  welcomed: (welcome: WelcomeMessage) => Promise<ClientSession>,
): Promise<FederationTotals> {
  const { signal } = options;
  const leave = () => connection.fail(stoppedError(signal));
  if (signal?.aborted === true) leave();
  signal?.addEventListener('abort', leave, { once: true });
  try {
    const session = await welcomed(await handshake(connection, options.tokens, options.url));
    const totals = await session.play(connection);
    connection.close();
    return totals;
  } catch (error) {
    // Tells the server why this client leaves, unless the connection has ended already.
    connection.fail(asError(error), errorFrameFor(error));
    throw error;
  } finally {
    signal?.removeEventListener('abort', leave);
  }
}

/** Sets up the welcome's experiment and the session that plays it. */
async function startSession(welcome: WelcomeMessage, options: PlayFederationOptions): Promise<ClientSession> {
  const ids = welcome.clientIds;
  options.log(`joined ${options.url} as ${describeIds(ids)}`);
  const local = await options.setUp(welcome.experimentJson);
  const runs = local.runs.length;
  options.log(`experiment "${local.experiment.name}" (${local.federation.dataOrigin}, tfjs ${local.federation.tfBackend}), ${runs} run${runs === 1 ? '' : 's'}`);
  return new ClientSession(local, new Set(ids), options);
}

/** A server joined again must run the same experiment and take every id back. */
function checkSameFederation(welcome: WelcomeMessage, fingerprint: string, tokens: ReadonlyMap<number, string>, url: string): void {
  if (welcome.fingerprint !== fingerprint) {
    throw new FedtuneError(
      `the server at ${url} now runs another experiment than the one these clients joined; ` +
        'join it afresh (a new fedtune join) to take part in the new one',
    );
  }
  if (welcome.clientIds.length !== tokens.size) {
    throw new ProtocolViolation('wrong-client', `the server welcomed back ${describeIds(welcome.clientIds)} of the ${tokens.size} ids this client joined as`);
  }
}

const describeIds = (ids: readonly number[]) => `client${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`;

function stoppedError(signal: AbortSignal | undefined): FedtuneError {
  return new FedtuneError('left the federation before it finished: stopped', { cause: signal?.reason });
}

/** Reconnection settings a client can wait by, checked before connecting. */
function checkReconnect(reconnect: ReconnectOptions): ReconnectOptions {
  const { attempts, firstDelayMs, maxDelayMs } = reconnect;
  if (attempts !== undefined && !(Number.isSafeInteger(attempts) && attempts >= 0)) {
    throw new ConfigError(`reconnect attempts must be a whole number from 0 (never reconnect) up, got ${attempts}`);
  }
  for (const [name, value] of [
    ['firstDelayMs', firstDelayMs],
    ['maxDelayMs', maxDelayMs],
  ] as const) {
    if (value !== undefined && !(value >= 0 && value <= 2 ** 31 - 1)) {
      throw new ConfigError(`reconnect ${name} must be from 0 to ${2 ** 31 - 1} ms, got ${value}`);
    }
  }
  return reconnect;
}

/** Client ids and secrets a `join` frame can carry, checked before connecting. */
function checkTokens(tokens: ReadonlyMap<number, string>): void {
  if (tokens.size === 0) throw new ConfigError('no client ids to join as; give at least one client id with its secret');
  for (const [id, secret] of tokens) {
    if (!Number.isInteger(id) || id < 0 || id > 0xffff_ffff) {
      throw new ConfigError(`client id ${id} is not a whole number from 0 to 4294967295`);
    }
    const bytes = new TextEncoder().encode(secret).byteLength;
    if (bytes === 0 || bytes > MAX_TOKEN_BYTES) {
      throw new ConfigError(
        `the secret of client ${id} is ${bytes === 0 ? 'empty' : `${bytes} bytes long, over the ${MAX_TOKEN_BYTES}-byte limit`}; ` +
          "give the secret the server's tokens file holds for it",
      );
    }
  }
}
