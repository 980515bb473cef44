import type { AssignMessage, ProtocolErrorCode, ProtocolMessage, SlotOutcome, UploadMessage } from '@fedtune/core';
import { describeClients } from './clientIds.js';
import { CLOSE_CODES, type FrameSocket, type ReceivedFrame } from './frameSocket.js';
import { slotOutcomeOf } from './uploadOutcome.js';

/** The slot an `assign` or `upload` names. */
type SlotAddress = Pick<UploadMessage, 'runIndex' | 'round' | 'clientId' | 'slot'>;

const keyOf = (address: SlotAddress): string => `${address.runIndex}/${address.round}/${address.clientId}/${address.slot}`;
const describeSlot = (address: SlotAddress): string =>
  `run ${address.runIndex}, round ${address.round}, client ${address.clientId}, slot ${address.slot}`;

/** Code points of problem text an `error` frame carries: at most 4 UTF-8 bytes each, far below the frame's text limit. */
const MAX_PROBLEM_CHARS = 1000;

/** An assignment sent and not yet answered. */
interface PendingSlot {
  /** Training rows of the slot, for the outcome when the client never answers properly. */
  samples: number;
  timer: NodeJS.Timeout;
  resolve(outcome: SlotOutcome): void;
  reject(error: Error): void;
}

/** Settles an unanswered slot with `outcome` and the slot's own sample count. */
const answer =
  (outcome: { kind: 'lost'; reason: string } | { kind: 'rejected'; reason: string }) =>
  (pending: PendingSlot): void =>
    pending.resolve({ ...outcome, samples: pending.samples });

/** What a {@link ClientConnection} tells the server. */
export interface ClientConnectionHooks {
  log(line: string): void;
  /** Called once, when the connection closes or is dropped: its client ids are free to join again. */
  gone(connection: ClientConnection): void;
}

/**
 * An authenticated connection speaking for one or more client ids. It sends assignments and
 * answers each with the matching upload, the deadline, or the end of the connection. Any frame
 * that is not an upload answering an outstanding assignment drops the connection: its unanswered
 * slots count `rejected` and the federation goes on without it.
 */
export class ClientConnection {
  private readonly outstanding = new Map<string, PendingSlot>();
  /** Assignments whose deadline passed: the first upload that still answers one is ignored, not an attack. */
  private readonly expired = new Set<string>();
  private live = true;

  constructor(
    private readonly socket: FrameSocket,
    readonly clientIds: readonly number[],
    private readonly hooks: ClientConnectionHooks,
  ) {
    socket.handle({
      frame: (frame) => this.receive(frame),
      failed: (error) => this.drop('malformed', `a WebSocket frame the server refused (${error.message})`),
      closed: () => this.end(answer({ kind: 'lost', reason: 'the connection closed' })),
    });
  }

  /** `client 3 (127.0.0.1)`: who this is, for logs. */
  get name(): string {
    return `${describeClients(this.clientIds)} (${this.socket.address})`;
  }

  /** Sends a frame that needs no answer (`welcome`, `runStart`, `roundEnd`, `finish`). */
  send(message: ProtocolMessage): void {
    if (this.live) this.socket.send(message);
  }

  /**
   * Sends one assignment and settles with the client's answer: its upload, `lost` when `timeoutMs`
   * passes first or the connection closes, `rejected` when the connection breaks the protocol.
   * @param samples the slot's training rows, reported for a slot that was never answered.
   */
  assign(message: AssignMessage, samples: number, timeoutMs: number): Promise<SlotOutcome> {
    if (!this.live) return Promise.resolve({ kind: 'lost', samples, reason: 'not connected' });
    const key = keyOf(message);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.outstanding.delete(key);
        this.expired.add(key);
        resolve({ kind: 'lost', samples, reason: `no upload within the round timeout (${timeoutMs / 1000} s)` });
      }, timeoutMs);
      this.outstanding.set(key, { samples, timer, resolve, reject });
      this.socket.send(message);
    });
  }

  /** Closes the connection once the federation is over; settles when it is closed. */
  close(): Promise<void> {
    this.socket.close(CLOSE_CODES.normal, 'finished');
    return this.socket.closed;
  }

  /**
   * Closes the connection because the server stops: unanswered assignments fail with `error`, so
   * the round in progress fails rather than counting every client lost.
   */
  abandon(error: Error): Promise<void> {
    this.socket.close(CLOSE_CODES.goingAway, 'server stopping');
    this.end((pending) => pending.reject(error));
    return this.socket.closed;
  }

  private receive(frame: ReceivedFrame): void {
    if (!frame.ok) return this.drop('malformed', frame.problem);
    const { message } = frame;
    if (message.type !== 'upload') {
      return this.drop('out-of-order', `a ${message.type} frame; after the welcome a client sends uploads only`);
    }
    if (!this.clientIds.includes(message.clientId)) {
      return this.drop('wrong-client', `an upload for client ${message.clientId}; this connection joined as ${describeClients(this.clientIds)}`);
    }
    const key = keyOf(message);
    const pending = this.outstanding.get(key);
    if (pending !== undefined) {
      // Aggregators weight by the sample count: a client that could report any count could
      // outweigh every other client, so the count must be the slot's own.
      if (message.samples !== pending.samples) {
        return this.drop(
          'malformed',
          `an upload for ${describeSlot(message)} reporting ${message.samples} training samples; the slot holds ${pending.samples}`,
        );
      }
      this.outstanding.delete(key);
      clearTimeout(pending.timer);
      pending.resolve(slotOutcomeOf(message));
    } else if (this.expired.delete(key)) {
      this.hooks.log(`${this.name}: upload for ${describeSlot(message)} came after the round timeout; ignored`);
    } else {
      this.drop(
        'out-of-order',
        `an upload for ${describeSlot(message)}, which answers no assignment this connection holds (another run or round, or a second upload)`,
      );
    }
  }

  /** Tells the client what it did wrong and drops it; its unanswered slots count `rejected`. */
  private drop(code: ProtocolErrorCode, problem: string): void {
    if (!this.live) return;
    this.hooks.log(`${this.name} dropped: ${problem}`);
    this.socket.send({ type: 'error', code, message: Array.from(problem).slice(0, MAX_PROBLEM_CHARS).join('') });
    this.socket.close(CLOSE_CODES.policyViolation, 'protocol error');
    this.end(answer({ kind: 'rejected', reason: `the client was dropped: ${problem}` }));
  }

  /** Settles every unanswered slot with `settle` and frees the client ids. */
  private end(settle: (pending: PendingSlot) => void): void {
    if (!this.live) return;
    this.live = false;
    for (const pending of this.outstanding.values()) {
      clearTimeout(pending.timer);
      settle(pending);
    }
    this.outstanding.clear();
    this.expired.clear();
    this.hooks.gone(this);
  }
}
