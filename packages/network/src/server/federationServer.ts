import {
  ConfigError,
  corePlugin,
  type Experiment,
  FedtuneError,
  type ResultsFolderClaim,
  runExperiment,
  type RunOptions,
  type RunSummary,
  runFingerprint,
} from '@fedtune/core';
import type { WebSocket } from 'ws';
import { JoinRateLimiter } from '../rateLimit/joinRateLimiter.js';
import type { TokenStore } from '../tokens/tokenStore.js';
import type { ClientConnection } from './clientConnection.js';
import { describeClients } from './clientIds.js';
import { ConnectionRegistry } from './connectionRegistry.js';
import { CLOSE_CODES, FrameSocket } from './frameSocket.js';
import { runJoinHandshake } from './joinHandshake.js';
import { listen, type Listening, type TlsCredentials } from './listen.js';
import { clientPageFiles } from './page/clientPageFiles.js';
import { answerPageRequest } from './page/pageRoutes.js';
import { RemoteClients } from './remoteClients.js';
import { RunAnnouncement } from './runAnnouncement.js';
import { clientsGathered } from './startGate.js';
import { planWire, type WirePlan } from './wirePlan.js';
import { WireCounter } from './wireCounter.js';

/** How a {@link FederationServer} runs an experiment. */
export interface FederationServerOptions {
  /** The parsed experiment; clients get exactly this in their welcome. */
  experiment: Experiment;
  /** Folder the experiment's relative paths resolve against. */
  experimentDir: string;
  /** Core's components and the experiment's plugins, loaded. */
  container: RunOptions['container'];
  /** Every client id of the experiment must have a token. */
  tokens: TokenStore;
  host: string;
  /** 0 takes any free port. */
  port: number;
  /** The results folder, as for `fedtune run`. */
  outDir: string;
  /** Milliseconds a client has to upload, from the moment its assignment is sent; then it counts `lost`. */
  roundTimeoutMs: number;
  /** Start with this many clients once `startTimeoutMs` has passed, rather than waiting for all. */
  minClients?: number | undefined;
  /** Milliseconds after the server starts listening from which `minClients` suffice; default 0. */
  startTimeoutMs?: number | undefined;
  /** Serve `wss://` with this certificate and key. */
  tls?: TlsCredentials | undefined;
  checkpointEvery?: number | undefined;
  /** Go on with the stopped experiment in `outDir` (see `runExperiment`). */
  resume?: boolean | undefined;
  overwrite?: boolean | undefined;
  /**
   * The caller's claim on `outDir`, held from before the server starts (see `runExperiment`);
   * without it the folder is claimed once the clients have gathered and the first run starts.
   */
  claim?: ResultsFolderClaim | undefined;
  /**
   * `listening on ws[s]://HOST:PORT` first, then joins, refusals, drops and the round loop's
   * messages (lost and rejected slots).
   */
  log: (line: string) => void;
  onRunStart?: RunOptions['onRunStart'];
  onRound?: RunOptions['onRound'];
  /** Join attempts per remote address; default: a {@link JoinRateLimiter} with its defaults. */
  rateLimiter?: JoinRateLimiter | undefined;
  /** Milliseconds a new connection has to send its `join`; default 10 000. */
  joinTimeoutMs?: number | undefined;
}

const DEFAULT_JOIN_TIMEOUT_MS = 10_000;
/** How long clients get to close after `finish` before their sockets are cut. */
const CLOSE_GRACE_MS = 5_000;
/** The longest delay a Node timer keeps; a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `fedtune serve`: the round loop of `fedtune run` — same components, ledger, results folder and
 * checkpoints — with each sampled client's training done by that client over a WebSocket. Round 0
 * starts once every client has joined (or `minClients` after `startTimeoutMs`); after the last
 * round of the last run every client gets `finish` and the server closes.
 */
export class FederationServer {
  /** `ws://HOST:PORT` (or `wss://`) with the port bound. */
  readonly url: string;
  readonly port: number;
  /** The largest frame accepted, in bytes (the WebSocket `maxPayload`). */
  readonly maxPayload: number;
  /** The runs' summaries, main run first, once the federation is over and the server closed. */
  readonly summaries: Promise<RunSummary[]>;

  private readonly registry = new ConnectionRegistry();
  private readonly wire = new WireCounter();
  private readonly gathering = new AbortController();
  private readonly announcement = new RunAnnouncement(this.registry);
  private stopped: Error | undefined;
  private closing = false;

  private constructor(
    private readonly options: FederationServerOptions,
    /** The experiment as every welcome carries it. */
    private readonly experimentJson: string,
    private readonly plan: WirePlan,
    private readonly listening: Listening,
  ) {
    this.url = listening.url;
    this.port = listening.port;
    this.maxPayload = plan.maxPayload;
    // The first line, before anything the wait for clients logs: tools read the port from it.
    options.log(`listening on ${this.url}`);
    this.acceptConnections();
    this.summaries = this.serve();
  }

  /**
   * Checks the options, plans every run, binds the address and starts waiting for clients.
   * @throws ConfigError when a client id has no token, a setting is out of range, a run cannot be
   *   planned or the address cannot be bound.
   */
  static async start(options: FederationServerOptions): Promise<FederationServer> {
    checkOptions(options);
    const experimentJson = JSON.stringify(options.experiment);
    const plan = await planWire(options.experiment, experimentJson, options.experimentDir, options.container);
    const page = clientPageFiles(options.experiment, options.experimentDir, options.log);
    const listening = await listen({
      host: options.host,
      port: options.port,
      tls: options.tls,
      maxPayload: plan.maxPayload,
      onRequest: (request, response) => void answerPageRequest(request, response, page),
    });
    return new FederationServer(options, experimentJson, plan, listening);
  }

  /**
   * Stops the server before the federation is over: clients are disconnected, the round in
   * progress fails (nothing of it is written) and {@link summaries} rejects. Settles once closed.
   */
  async stop(): Promise<void> {
    this.stopped ??= new FedtuneError('the federation server was stopped');
    this.closing = true;
    this.gathering.abort(this.stopped);
    await Promise.all(this.registry.connections.map((connection) => connection.abandon(this.stopped as Error)));
    await this.summaries.catch(() => undefined);
  }

  private acceptConnections(): void {
    const { options, registry } = this;
    const { experiment, log } = options;
    const numClients = experiment.data.numClients;
    const settings = {
      rules: { tokens: options.tokens, numClients, coreVersion: corePlugin.version },
      registry,
      rateLimiter: options.rateLimiter ?? new JoinRateLimiter(),
      joinTimeoutMs: options.joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS,
      welcome: { experimentJson: this.experimentJson, fingerprint: runFingerprint(experiment) },
      log,
      joined: (connection: ClientConnection) => {
        log(`${connection.name} joined; ${registry.heldCount} of ${numClients} clients connected`);
        // A client that joins mid-run (a rejoin) learns which run its assignments belong to.
        this.announcement.tell(connection);
      },
      left: (connection: ClientConnection) => {
        if (!this.closing) log(`${connection.name} left; ${registry.heldCount} of ${numClients} clients connected`);
      },
    };
    const { webSockets } = this.listening;
    webSockets.on('error', (error) => log(`server error: ${error.message}`));
    webSockets.on('connection', (socket: WebSocket, request) => {
      if (this.closing) {
        socket.close(CLOSE_CODES.goingAway, 'server stopping');
        return;
      }
      runJoinHandshake(new FrameSocket(socket, request.socket.remoteAddress ?? 'an unknown address', this.wire), settings);
    });
  }

  private async serve(): Promise<RunSummary[]> {
    const { options, registry } = this;
    const { experiment, log } = options;
    try {
      const numClients = experiment.data.numClients;
      log(
        options.minClients === undefined
          ? `waiting for all ${numClients} clients to join`
          : `waiting for all ${numClients} clients to join, or ${options.minClients} after ${(options.startTimeoutMs ?? 0) / 1000} s`,
      );
      await clientsGathered(registry, { numClients, minClients: options.minClients, startTimeoutMs: options.startTimeoutMs }, this.gathering.signal);
      log(`starting with ${registry.heldCount} of ${numClients} clients connected`);
      const summaries = await runExperiment(experiment, {
        outDir: options.outDir,
        experimentDir: options.experimentDir,
        container: options.container,
        // Clients train; the server only evaluates, in this thread.
        workers: 1,
        checkpointEvery: options.checkpointEvery,
        resume: options.resume,
        overwrite: options.overwrite,
        claim: options.claim,
        log,
        clientSide: ({ index, label, firstRound }) => this.startRun(index, label, firstRound),
        onRunStart: options.onRunStart,
        onRound: (event) => {
          const runIndex = this.announcement.runIndex ?? 0;
          registry.broadcast({ type: 'roundEnd', runIndex, round: event.round, checkpoint: this.checkpointsAfter(event) });
          options.onRound?.(event);
        },
      });
      registry.broadcast({ type: 'finish' });
      return summaries;
    } catch (error) {
      if (this.stopped === undefined) {
        // What went wrong stays in the server's log: clients learn only that it was the server.
        registry.broadcast({ type: 'error', code: 'internal', message: 'the server stopped on an error; see its log' });
      }
      throw error;
    } finally {
      await this.shutdown();
    }
  }

  /** Whether the round loop writes a checkpoint after this round, as `runRounds` decides it. */
  private checkpointsAfter(event: { round: number; rounds: number }): boolean {
    const every = this.options.checkpointEvery;
    return every !== undefined && (event.round + 1) % every === 0 && event.round + 1 < event.rounds;
  }

  /** Tells every client a run begins (from `firstRound`) and hands the run its client side. */
  private startRun(index: number, label: string, firstRound: number): RemoteClients {
    this.announcement.begin(index, label, firstRound);
    return new RemoteClients({
      runIndex: index,
      registry: this.registry,
      roundTimeoutMs: this.options.roundTimeoutMs,
      sendsPreviousGlobal: this.plan.sendsPreviousGlobal[index] ?? false,
      wire: this.wire,
      stopping: () => this.stopped,
    });
  }

  /** Closes every connection (cutting those that do not close within a grace period) and the listening socket. */
  private async shutdown(): Promise<void> {
    this.closing = true;
    const closed = Promise.all(this.registry.connections.map((connection) => connection.close()));
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((resolve) => (grace = setTimeout(resolve, CLOSE_GRACE_MS)))]);
    clearTimeout(grace);
    // Connections still open: clients that ignored the close, and connections that never joined.
    for (const socket of this.listening.webSockets.clients) socket.terminate();
    await this.listening.close();
  }
}

/** Refuses settings the server cannot run with, naming the fix. */
function checkOptions(options: FederationServerOptions): void {
  const numClients = options.experiment.data.numClients;
  const { missing } = options.tokens.covers(numClients);
  if (missing.length > 0) {
    throw new ConfigError(
      `the tokens file has no token for ${describeClients(missing)} of the experiment's ${numClients}; ` +
        `write one for every client with fedtune tokens --clients ${numClients} --out FILE (and give each client its secret)`,
    );
  }
  if (!(options.roundTimeoutMs > 0 && options.roundTimeoutMs <= MAX_TIMER_MS)) {
    throw new ConfigError(
      `the round timeout must be above 0 and at most ${MAX_TIMER_MS} ms (24.8 days), got ${options.roundTimeoutMs} ms`,
    );
  }
  const { minClients, startTimeoutMs } = options;
  if (minClients !== undefined && (!Number.isSafeInteger(minClients) || minClients < 1 || minClients > numClients)) {
    throw new ConfigError(`min clients must be a whole number from 1 to the experiment's ${numClients} clients, got ${minClients}`);
  }
  if (startTimeoutMs !== undefined && minClients === undefined) {
    throw new ConfigError('a start timeout needs min clients: give both, or neither to wait for every client');
  }
  if (startTimeoutMs !== undefined && !(startTimeoutMs >= 0 && startTimeoutMs <= MAX_TIMER_MS)) {
    throw new ConfigError(`the start timeout must be from 0 to ${MAX_TIMER_MS} ms (24.8 days), got ${startTimeoutMs} ms`);
  }
}
