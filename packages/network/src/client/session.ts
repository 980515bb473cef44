import { FedtuneError, type ProtocolMessage, type RunStartMessage, type UploadMessage } from '@fedtune/core';
import { startAssignment } from './assignment.js';
import { ClientRun } from './clientRun.js';
import type { FrameConnection } from './connection.js';
import type { LocalExperiment } from './localExperiment.js';
import { memoryLost } from './memoryLost.js';
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
 * as it starts, trains what it is assigned and uploads the outcome, until `finish`. It outlives a
 * connection: played again on the next one, it goes on with the run and the memory it has, or
 * with the memory of a checkpoint a resumed server goes on from.
 */
export class ClientSession {
  private run: ClientRun | undefined;
  private readonly runsSeen = new Set<number>();
  private roundTally = emptyTally();
  private readonly federationTally = emptyTally();

  constructor(
    private readonly local: LocalExperiment,
    private readonly held: ReadonlySet<number>,
    private readonly hooks: SessionHooks,
  ) {}

  /**
   * Plays every frame of a welcomed `connection` until `finish`.
   * @throws ProtocolViolation for a frame out of place; FedtuneError when the server goes on with a
   *   run whose memory this process does not have; the error a training or the connection ended with.
   */
  async play(connection: FrameConnection): Promise<FederationTotals> {
    for (let message = await connection.next(); message.type !== 'finish'; message = await connection.next()) {
      await this.handle(message, connection);
    }
    return { clientIds: [...this.held], runs: this.runsSeen.size, ...this.federationTally };
  }

  /** Waits for trainings under way and releases the current run's trainers. */
  async close(): Promise<void> {
    const run = this.run;
    this.run = undefined;
    await run?.close();
  }

  private async handle(message: ProtocolMessage, connection: FrameConnection): Promise<void> {
    switch (message.type) {
      case 'runStart':
        return this.startRun(message);
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
        // The upload answers on the connection that assigned it: after a reconnection it is void.
        const fail = (error: unknown) => connection.fail(asError(error), errorFrameFor(error));
        run.track(upload.then((frame) => this.send(frame, connection)).catch(fail));
        return;
      }
      case 'roundEnd': {
        const run = this.currentRun(message.runIndex, 'a round end');
        const { runIndex, round } = message;
        if (message.checkpoint) run.snapshot(round + 1);
        this.hooks.onRound?.({ runIndex, label: run.spec.label, round, rounds: run.rounds, ...this.roundTally });
        this.roundTally = emptyTally();
        return;
      }
      case 'error':
        // The server drops this connection after an error: nothing is sent back.
        connection.close();
        throw new FedtuneError(`the server reported an error (${message.code}) and dropped this client: ${message.message}`);
      default:
        throw new ProtocolViolation('out-of-order', `the server sent "${message.type}" during the federation`);
    }
  }

  /**
   * Starts run `runIndex`, or goes on with it: with the memory this process has (a rejoin), with
   * the memory before `restoreRound` (a resumed server; empty for round 0, a fresh run).
   */
  private async startRun(message: RunStartMessage): Promise<void> {
    const { runIndex, label, restoreRound } = message;
    const runs = this.local.runs.length;
    const current = this.run?.index === runIndex ? this.run : undefined;
    if (restoreRound === undefined) {
      if (current === undefined) throw memoryLost(runIndex, label, restoreRound);
      this.hooks.log(`run ${runIndex + 1}/${runs}: ${label}, going on with the memory it has`);
      return;
    }
    if (current?.restore(restoreRound) === true) {
      this.hooks.log(`run ${runIndex + 1}/${runs}: ${label}, going on from the server's checkpoint before round ${restoreRound}`);
      return;
    }
    if (restoreRound > 0) throw memoryLost(runIndex, label, restoreRound);
    await this.close();
    this.run = await ClientRun.start(runIndex, label, this.local);
    this.runsSeen.add(runIndex);
    this.roundTally = emptyTally();
    this.hooks.log(`run ${runIndex + 1}/${runs}: ${label} (backend ${this.run.prepared.components.backend.name})`);
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

  private send(upload: UploadMessage, connection: FrameConnection): void {
    const frameBytes = connection.send(upload);
    const payloadBytes = upload.outcome === 'sent' ? upload.payload.byteLength : 0;
    for (const tally of [this.roundTally, this.federationTally]) {
      tally.uploads++;
      tally.payloadBytes += payloadBytes;
      tally.frameBytes += frameBytes;
    }
  }
}
