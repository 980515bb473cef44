import { type ClientSide, encodeFloat32Payload, type SlotAssignment, type SlotOutcome } from '@fedtune/core';
import type { ConnectionRegistry } from './connectionRegistry.js';
import type { WireBytes, WireCounter } from './wireCounter.js';

/** What one run's {@link RemoteClients} needs. */
export interface RemoteClientsSettings {
  /** 0 for the main run, k for the k-th `compare` entry. */
  runIndex: number;
  registry: ConnectionRegistry;
  /** Milliseconds a client has to upload, from the moment its assignment is sent. */
  roundTimeoutMs: number;
  /** Whether the run's selector weighs the previous global model (`usesPreviousGlobal`). */
  sendsPreviousGlobal: boolean;
  /** The server's frame bytes, taken once per ledger row. */
  wire: WireCounter;
  /** Set once the server stops: a new assignment then fails the run instead of counting its client lost. */
  stopping: () => Error | undefined;
}

/**
 * The client side of one run played by remote clients: each slot's assignment goes to the
 * connection that holds its client id, and the slot's outcome is that client's upload — or `lost`
 * (not connected, disconnected, past the round timeout) or `rejected` (it broke the protocol).
 * Training, the skip rule, encoding and the clients' memory all live on the clients.
 */
export class RemoteClients implements ClientSide {
  /** Payloads of this round's vectors: every client that starts from the same vector gets the same bytes. */
  private payloads = new WeakMap<Float32Array, Uint8Array>();
  private payloadRound = -1;

  constructor(private readonly settings: RemoteClientsSettings) {}

  run(assignment: SlotAssignment): Promise<SlotOutcome> {
    const { runIndex, registry, roundTimeoutMs, sendsPreviousGlobal } = this.settings;
    const { round, clientId, slot, start, previousGlobal, forced } = assignment;
    const stopped = this.settings.stopping();
    if (stopped !== undefined) return Promise.reject(stopped);
    const samples = slot.indices.length;
    const connection = registry.holderOf(clientId);
    if (connection === undefined) return Promise.resolve({ kind: 'lost', samples, reason: 'not connected' });
    // Round 0 has no previous global: a client that gets none uses `start`, as the simulation does.
    const previous = sendsPreviousGlobal && round > 0 ? { previousGlobal: this.payloadOf(previousGlobal, round) } : {};
    return connection.assign(
      { type: 'assign', runIndex, round, clientId, slot: slot.slot ?? 0, forced, start: this.payloadOf(start, round), ...previous },
      samples,
      roundTimeoutMs,
    );
  }

  takeWireBytes(): WireBytes {
    return this.settings.wire.take();
  }

  /** `vector` as core's float32 payload, encoded once per round however many clients it goes to. */
  private payloadOf(vector: Float32Array, round: number): Uint8Array {
    // Kept for one round only: an aggregator may reuse a vector's memory for the next global model.
    if (round !== this.payloadRound) {
      this.payloads = new WeakMap();
      this.payloadRound = round;
    }
    let payload = this.payloads.get(vector);
    if (payload === undefined) {
      payload = encodeFloat32Payload(vector);
      this.payloads.set(vector, payload);
    }
    return payload;
  }
}
