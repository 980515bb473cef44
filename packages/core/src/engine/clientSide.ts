import type { ParameterSpec } from '../contracts/adapter.js';
import type { EncodeContext, PreparedUpload } from '../contracts/compressor.js';
import type { ClientData } from '../data/types.js';
import { CheckpointError, isFedtuneError } from '../errors.js';
import type { LocalTrainResult } from '../model/training/trainer.js';
import { RandomStreams, SLOT_STREAM_STRIDE } from '../random/counterRandom.js';
import type { RunComponents } from './components.js';
import { MemoryStore, slotComponent } from './memoryStore.js';
import type { SlotTrainer } from './training/slotTrainer.js';
import { describeComponent, thrownSummary } from '../plugins/componentOrigin.js';

/**
 * What one client trains: its trainer and tensors and, when it trains a HeteroFL slice of the
 * global adapter (a lower rank), where its flat vector sits in the global one.
 */
export interface ClientModel {
  /** Trains the client's slots: in this thread, or in a pool of workers. */
  trainer: Pick<SlotTrainer, 'train'>;
  layout: readonly ParameterSpec[];
  /** Global indices of each value of this model's vector; absent when it is the global vector. */
  slice?: Uint32Array;
}

/** What the server hands one client for one of its adapter slots in a round. */
export interface SlotAssignment {
  round: number;
  clientId: number;
  /** The slot: its index, and (where the server holds the data, as in a simulation) its rows. */
  slot: ClientData;
  /** What the slot starts from, cut to the client's model (its slice under heterogeneous ranks). */
  start: Float32Array;
  /** The global model of the round before, cut the same way (`start` in round 0). */
  previousGlobal: Float32Array;
  /** A calibration round ({@link Aggregator.forcesFullRound}): upload without asking the skip rule. */
  forced: boolean;
}

/** What a client did with one slot in a round, before the channel and the server's decoder see it. */
export type SlotOutcome =
  | { kind: 'skipped'; loss: number; samples: number }
  /**
   * Nothing usable to send: training diverged (a `NonFiniteError`) or the client's own compressor or
   * selector failed. There is no loss to report.
   */
  | { kind: 'rejected'; samples: number; reason: string }
  | { kind: 'sent'; loss: number; samples: number; payload: Uint8Array; values: number }
  /** The client never answered (a dropped connection, a missed deadline): only a real network loses this way. */
  | { kind: 'lost'; samples: number; reason: string };

/**
 * The client side of a round: local training, the skip rule and encoding, wherever clients run —
 * in this process ({@link SimulatedClients}) or across a network. `run` is called for every slot of
 * every participant at once, in ascending client and slot order, and its results are awaited in
 * that order.
 */
export interface ClientSide {
  run(assignment: SlotAssignment): Promise<SlotOutcome>;
  /** The clients' memory, when it lives in this process and belongs in the server's checkpoint. */
  readonly memory?: MemoryStore;
  /**
   * Bytes of whole frames exchanged with clients since the last call, when they cross a network;
   * the round loop takes them once per round for the ledger's wire columns.
   */
  takeWireBytes?(): { uplink: number; downlink: number };
}

/** What {@link SimulatedClients} needs to play every client in this process. */
export interface SimulatedClientsSettings {
  seed: number;
  components: Pick<RunComponents, 'backend' | 'selector' | 'compressor'>;
  /** The model each client trains. */
  modelOf: (clientId: number) => ClientModel;
}

/**
 * Every client in this process: trainings start at once (a worker pool runs them in parallel), and
 * what follows them — the skip rule and encoding, which read and write client memory — runs in the
 * order `run` was called, so a run never depends on which training finished first.
 */
export class SimulatedClients implements ClientSide {
  private previous: Promise<unknown> = Promise.resolve();

  /** @param memory the clients' memory: fresh, or a checkpoint's. */
  constructor(
    private readonly settings: SimulatedClientsSettings,
    readonly memory: MemoryStore = new MemoryStore(),
  ) {}

  run(assignment: SlotAssignment): Promise<SlotOutcome> {
    const { seed, modelOf } = this.settings;
    const { round, clientId, slot, start } = assignment;
    const model = modelOf(clientId);
    const random = { seed, round, client: clientId, stream: RandomStreams.batchShuffle + (slot.slot ?? 0) * SLOT_STREAM_STRIDE };
    const training = settle(model.trainer.train(start, slot, random));
    const outcome = this.previous.then(() => training).then((trained) => this.afterTrainingOrReject(model, assignment, trained));
    this.previous = outcome.catch(() => undefined);
    return outcome;
  }

  /**
   * {@link afterTraining}, with a failure of the client's own selector or compressor rejecting this
   * slot, as a crashing client on a real device would: the federation goes on without it, and the
   * log names the component, its plugin and what it threw.
   */
  private afterTrainingOrReject(model: ClientModel, assignment: SlotAssignment, training: Settled<LocalTrainResult>): SlotOutcome {
    try {
      return this.afterTraining(model, assignment, training);
    } catch (error) {
      if (!(error instanceof ClientComponentFailure)) throw error;
      return { kind: 'rejected', samples: assignment.slot.indices.length, reason: error.message };
    }
  }

  /** The skip rule and encoding after local training: the rest of what a client does for one slot. */
  private afterTraining(model: ClientModel, assignment: SlotAssignment, training: Settled<LocalTrainResult>): SlotOutcome {
    const { backend, selector, compressor } = this.settings.components;
    const { slot, round, clientId, start, previousGlobal, forced } = assignment;
    const slotIndex = slot.slot ?? 0;
    const samples = slot.indices.length;
    if (!training.ok) {
      // A client whose training diverged sends nothing usable; the federation goes on without it.
      const { error } = training;
      if (isFedtuneError(error, 'NonFiniteError')) return { kind: 'rejected', samples, reason: error.message };
      throw error;
    }
    const trained = training.value;
    const loss = trained.meanLoss;
    const update = backend.axpy(-1, start, trained.parameters);
    const encodeContext: EncodeContext = {
      seed: this.settings.seed,
      round,
      clientId,
      backend,
      memory: this.memory.of(slotComponent('compressor', slotIndex), clientId),
      trainLoss: loss,
      layout: model.layout,
    };
    // Worked out once: the skip rule judges the very upload that is then encoded.
    const prepared: PreparedUpload | undefined = clientStep('compressor', compressor, 'preparing an upload', () =>
      compressor.prepare?.(update, encodeContext),
    );
    const upload =
      forced ||
      clientStep('selector', selector, 'deciding whether to upload', () => selector.shouldUpload({
        round,
        clientId,
        update,
        global: start,
        ...(selector.usesPreviousGlobal === true ? { previousGlobal } : {}),
        backend,
        memory: this.memory.of(slotComponent('selector', slotIndex), clientId),
        ...(prepared ? { prepared } : {}),
      }));
    if (!upload) return { kind: 'skipped', loss, samples };
    const payload: unknown = clientStep('compressor', compressor, 'encoding an upload', () => compressor.encode(update, encodeContext, prepared));
    // Plugins are plain JavaScript: anything but bytes is this client's compressor failing, not the channel's or the server's.
    if (!(payload instanceof Uint8Array)) {
      const reason = `${describeComponent('compressor', compressor)} encoded an upload as ${valueKind(payload)}, not the Uint8Array of bytes the Compressor contract requires`;
      return { kind: 'rejected', samples, reason };
    }
    return { kind: 'sent', loss, samples, payload, values: update.length };
  }
}

/** A client's own selector or compressor threw: that client's slot is rejected, the run goes on. */
class ClientComponentFailure extends Error {}

/**
 * Runs one step of a client-side component, wrapping what it throws as a {@link ClientComponentFailure}.
 * A `CheckpointError` is the component finding memory it did not write (a damaged checkpoint): that
 * stops the run, as any damaged checkpoint does, rather than silently rejecting the client every round.
 */
function clientStep<T>(kind: 'compressor' | 'selector', component: object, doing: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (isFedtuneError(error, 'CheckpointError')) {
      throw new CheckpointError(`${describeComponent(kind, component)} while ${doing}: ${error.message}`, { cause: error });
    }
    throw new ClientComponentFailure(`${describeComponent(kind, component)} failed while ${doing}: ${thrownSummary(error)}`, { cause: error });
  }
}

/** `a string`, `null`, `a Float32Array`: what a value is, for messages about a plugin returning the wrong thing. */
function valueKind(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return `a ${typeof value}`;
  return `a ${Object.prototype.toString.call(value).slice('[object '.length, -1)}`;
}

/** A promise's result or error, held so a later failure is never an unhandled rejection. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** `promise` as a {@link Settled} that never rejects. */
export function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}
