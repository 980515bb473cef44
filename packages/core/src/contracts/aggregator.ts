import type { Backend } from './backend.js';
import type { ClientMemory } from './memory.js';

/** A decoded update that reached the server and passed validation. */
export interface ReceivedUpdate {
  clientId: number;
  update: Float32Array;
  numSamples: number;
}

/** Why a sampled client's update is not among the received ones. */
export type MissingReason = 'skipped' | 'lost' | 'rejected';

export interface MissingUpdate {
  clientId: number;
  numSamples: number;
  reason: MissingReason;
}

export interface AggregationContext {
  round: number;
  global: Float32Array;
  received: readonly ReceivedUpdate[];
  missing: readonly MissingUpdate[];
  /** Every client id of the federation, ascending (for methods that average over all N). */
  clientIds: readonly number[];
  backend: Backend;
  /** Server-side state per client (a client's latest upload, say). */
  memoryOf(clientId: number): ClientMemory;
}

/** Received (and missing) updates → next global parameters. */
export interface Aggregator {
  readonly name: string;
  aggregate(context: AggregationContext): Float32Array;
  /**
   * Whether `round` is a calibration round in which the method needs every client's update: all
   * clients take part, none skips, and the channel delivers every upload (SAFARI's first round,
   * which builds its client-similarity matrix). Bytes are still counted as sent.
   */
  forcesFullRound?(round: number): boolean;
}
