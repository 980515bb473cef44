import { FedtuneError, type ProtocolMessage, type UploadMessage } from '@fedtune/core';
import { startAssignment } from './assignment.js';
import { ClientRun } from './clientRun.js';
import type { FrameConnection } from './connection.js';
import type { LocalExperiment } from './localExperiment.js';
import { asError, errorFrameFor, ProtocolViolation } from './protocolViolation.js';

/** One round as this process saw it, when the server ends it. */
export interface ClientRoundEvent {
  /** 0 for the main run, k for the k-th `compare` entry. */
  runIndex: number;
  label: string;
  round: number;
  /** Rounds of the run. */
  rounds: number;
  /** Uploads this process sent since the previous round ended. */
  uploads: number;
  /** Compressor payload bytes in those uploads (the ledger's uplink bytes). */
  payloadBytes: number;
  /** Whole frames of those uploads, as sent on the socket. */
  frameBytes: number;
}

/** What a client did over a whole federation. */
export interface FederationTotals {
  /** The client ids the server welcomed. */
  clientIds: number[];
  /** Runs the server started. */
  runs: number;
  uploads: number;
  payloadBytes: number;
  frameBytes: number;
}

/** What a session reports as it goes. */
export interface SessionHooks {
  log: (line: string) => void;
  onRound?: (event: ClientRoundEvent) => void;
}

/** Sent since the last round ended, or in all. */
interface Tally {
  uploads: number;
  payloadBytes: number;
  frameBytes: number;
}

const emptyTally = (): Tally => ({ uploads: 0, payloadBytes: 0, frameBytes: 0 });

/**
 * A welcomed client's part of a federation: it reads the server's frames in order, builds each run
 * as it starts, trains what it is assigned and uploads the outcome, until `finish`.
 */
export class ClientSession {
  private run: ClientRun | undefined;
  private runsStarted = 0;
  private roundTally = emptyTally();
  private readonly federationTally = emptyTally();

  constructor(
    private readonly connection: FrameConnection,
    private readonly local: LocalExperiment,
    private readonly held: ReadonlySet<number>,
    private readonly resolveFrom: string,
    private readonly hooks: SessionHooks,
  ) {}

  /**
   * Plays every frame until `finish`.
   * @throws ProtocolViolation for a frame out of place; the error a training or the connection ended with.
   */
  async play(): Promise<FederationTotals> {
    for (let message = await this.connection.next(); message.type !== 'finish'; message = await this.connection.next()) {
      await this.handle(message);
    }
    return { clientIds: [...this.held], runs: this.runsStarted, ...this.federationTally };
  }

  /** Waits for trainings under way and releases the current run's trainers. */
  async close(): Promise<void> {
    const run = this.run;
    this.run = undefined;
    await run?.close();
  }

  private async handle(message: ProtocolMessage): Promise<void> {
    switch (message.type) {
      case 'runStart':
        await this.close();
        this.run = await ClientRun.start(message.runIndex, message.label, this.local, this.resolveFrom);
        this.runsStarted++;
        this.roundTally = emptyTally();
        this.hooks.log(`run ${message.runIndex + 1}/${this.local.runs.length}: ${message.label}`);
        return;
      case 'assign': {
        if (!this.held.has(message.clientId)) {
          throw new ProtocolViolation(
            'wrong-client',
            `the server assigned client ${message.clientId}, which this connection did not join as`,
          );
        }
        const run = this.currentRun(message.runIndex, 'an assignment');
        const upload = startAssignment(message, run);
        // A training or an upload that fails ends the session: the loop's next read rejects with it.
        const fail = (error: unknown) => this.connection.fail(asError(error), errorFrameFor(error));
        run.track(upload.then((frame) => this.send(frame)).catch(fail));
        return;
      }
      case 'roundEnd': {
        const run = this.currentRun(message.runIndex, 'a round end');
        const { runIndex, round } = message;
        this.hooks.onRound?.({ runIndex, label: run.spec.label, round, rounds: run.rounds, ...this.roundTally });
        this.roundTally = emptyTally();
        return;
      }
      case 'error':
        // The server drops this connection after an error: nothing is sent back.
        this.connection.close();
        throw new FedtuneError(`the server reported an error (${message.code}) and dropped this client: ${message.message}`);
      default:
        throw new ProtocolViolation('out-of-order', `the server sent "${message.type}" during the federation`);
    }
  }

  /** The run under way, which `what` from the server must belong to. */
  private currentRun(runIndex: number, what: string): ClientRun {
    const run = this.run;
    if (run === undefined || run.index !== runIndex) {
      const current = run === undefined ? 'no run has started' : `run ${run.index} is under way`;
      throw new ProtocolViolation('out-of-order', `the server sent ${what} for run ${runIndex}, but ${current}`);
    }
    return run;
  }

  private send(upload: UploadMessage): void {
    const frameBytes = this.connection.send(upload);
    const payloadBytes = upload.outcome === 'sent' ? upload.payload.byteLength : 0;
    for (const tally of [this.roundTally, this.federationTally]) {
      tally.uploads++;
      tally.payloadBytes += payloadBytes;
      tally.frameBytes += frameBytes;
    }
  }
}
