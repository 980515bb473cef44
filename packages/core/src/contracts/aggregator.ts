import type { ParameterSpec } from './adapter.js';
import type { Backend } from './backend.js';
import type { ClientMemory } from './memory.js';
import type { ComponentAssumptions } from './assumptions.js';
import type { ComponentRequirements } from './requirements.js';

/**
 * The key of one adapter slot: a client trains one slot per task it holds (slot 0 alone in
 * single-task federations). Slots are numbered per client and carry no task label.
 */
export function slotKey(clientId: number, slot: number): string {
  return `${clientId}/${slot}`;
}

/** A decoded update that reached the server and passed validation and the update screen. */
export interface ReceivedUpdate {
  clientId: number;
  /** Which of the client's adapter slots trained it. */
  slot: number;
  /** The parameters the slot started from this round (what the server sent it). */
  base: Float32Array;
  /** Trained parameters − `base`, full length (zero outside `coverage`). */
  update: Float32Array;
  numSamples: number;
  /**
   * Indices of the global vector this client trains, ascending, when it trains a slice of the
   * global adapter (heterogeneous ranks); absent when it trains all of it. Average each coordinate
   * over the updates that cover it, or a zero outside a slice would pull the coordinate to zero.
   */
  coverage?: Uint32Array;
}

/** Why a sampled client's update is not among the received ones. */
export type MissingReason = 'skipped' | 'lost' | 'rejected';

export interface MissingUpdate {
  clientId: number;
  slot: number;
  numSamples: number;
  reason: MissingReason;
}

/** Slots that start the next round from the same parameters: one model, as far as evaluation goes. */
export interface SlotGroup {
  /** What every member starts from next round. */
  parameters: Float32Array;
  /** Its members, as {@link slotKey}s. */
  slots: readonly string[];
}

/**
 * An aggregate that differs per slot (task-specific aggregation). Every slot listed in a group
 * starts the next round from that group's parameters; every other slot starts from `global`, and
 * those slots form one more group. The groups are what the server's clustering means: evaluation
 * reads them and checkpoints store them, so nothing depends on which arrays happen to be shared.
 */
export interface SlotAggregation {
  global: Float32Array;
  /** Disjoint groups of slots; a slot appears in at most one. */
  groups: readonly SlotGroup[];
}

export interface AggregationContext {
  round: number;
  global: Float32Array;
  received: readonly ReceivedUpdate[];
  missing: readonly MissingUpdate[];
  /** Every client id of the federation, ascending (for methods that average over all N). */
  clientIds: readonly number[];
  /**
   * How many adapter slots a client trains (one per task it holds; 1 in single-task runs), so an
   * aggregator that keeps state per slot can visit the slots of clients absent this round.
   */
  slotsOf(clientId: number): number;
  backend: Backend;
  /**
   * The adapter's tensors in the order the flat vectors concatenate them, for aggregators that
   * work on some tensors only. The engine always sets it; a context built by hand may leave it out.
   */
  layout?: readonly ParameterSpec[];
  /** Server-side state per client and slot (a client's latest upload, say). */
  memoryOf(clientId: number, slot?: number): ClientMemory;
  /**
   * The global indices a client trains when clients train slices of the adapter (heterogeneous
   * ranks), for aggregators that reuse stale uploads; `undefined` when it trains every coordinate.
   */
  coverageOf?(clientId: number): Uint32Array | undefined;
}

/** Received (and missing) updates → next global parameters (or one set per slot). */
export interface Aggregator {
  readonly name: string;
  aggregate(context: AggregationContext): Float32Array | SlotAggregation;
  /**
   * Whether `round` is a calibration round in which the method needs every client's update: all
   * clients take part, none skips, and the channel delivers every upload (SAFARI's first round,
   * which builds its client-similarity matrix). Bytes are still counted as sent.
   */
  forcesFullRound?(round: number): boolean;
  /**
   * True when the aggregator averages each coordinate over the updates that cover it
   * ({@link ReceivedUpdate.coverage}), so clients may train slices of the global adapter. The engine
   * refuses heterogeneous client ranks with an aggregator that does not say so.
   */
  readonly supportsSlices?: boolean;
  /**
   * True when the aggregator handles clients that train several adapter slots (multi-task data with
   * `training.taskSlots` per task): it keys any per-client state by slot too. The engine refuses such
   * federations, before round 0, with an aggregator that does not say so.
   */
  readonly supportsTaskSlots?: boolean;
  /** The components this aggregator only works with; see {@link ComponentRequirements}. */
  readonly requires?: ComponentRequirements;
  /** Conditions the method was shown to work under; the engine warns outside them. */
  readonly assumes?: ComponentAssumptions;
}
