import type { ParameterSpec } from '../contracts/adapter.js';
import { type MissingUpdate, type ReceivedUpdate, type SlotAggregation, type SlotGroup, slotKey } from '../contracts/aggregator.js';
import type { EncodeContext, PreparedUpload } from '../contracts/compressor.js';
import type { ClientData } from '../data/types.js';
import { FedtuneError, isFedtuneError } from '../errors.js';
import { gatherSlice, scatterSlice } from '../model/nestedSlice.js';
import type { LocalTrainer, LocalTrainResult } from '../model/trainer.js';
import { type RandomKey, RandomStreams, SLOT_STREAM_STRIDE } from '../random/counterRandom.js';
import { encodeFloat32Payload } from '../wire/float32Payload.js';
import type { ServerState } from './checkpoint.js';
import type { SlotTrainer } from './training/slotTrainer.js';
import type { RunComponents } from './components.js';
import { evaluateTasks } from './evaluateTasks.js';
import type { LedgerRow } from './ledger.js';
import { MemoryStore, slotComponent } from './memoryStore.js';
import type { FederatedClient, FederationTask } from '../federation/types.js';
import { SlotPlacement } from './slotPlacement.js';
import { findUpdateProblem } from './updateValidation.js';

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

/** Everything one federated run needs besides its components. */
export interface RoundLoopInput {
  seed: number;
  rounds: number;
  evaluateEvery: number;
  clients: readonly FederatedClient[];
  tasks: readonly FederationTask[];
  /** Evaluates the global model; trains too, unless `modelOf` says who trains what. */
  trainer: LocalTrainer;
  /** The adapter's diagnostics of the global parameters, logged on evaluated rounds. */
  metrics?: ((global: Float32Array) => Record<string, number>) | undefined;
  initialGlobal: Float32Array;
  /** The adapter's tensors, in the order of the flat vector; compressors see it per upload. */
  layout: readonly ParameterSpec[];
  components: RunComponents;
  /**
   * The model each client trains (its trainer, and its slice under heterogeneous ranks); without
   * it every client trains with `trainer` on the whole `layout`.
   */
  modelOf?: (clientId: number) => ClientModel;
  /** The state of a stopped run to go on from (its `nextRound` is the first round run). */
  resume?: ServerState | undefined;
  /** Hands the state to `write` after every `every` rounds, once the round's row is written. */
  checkpoint?: { every: number; write: (state: ServerState) => void } | undefined;
  /** Called after each round with its ledger row. */
  onRound: (row: LedgerRow) => void;
  log: (line: string) => void;
}

/** What the server holds after a run: the global parameters and any groups of slots with their own. */
export interface RoundLoopResult {
  global: Float32Array;
  groups: readonly SlotGroup[];
}

/** What a client did with one slot in a round, before the server sees anything. */
type SlotOutcome =
  | { kind: 'skipped'; loss: number; samples: number }
  | { kind: 'rejected'; loss: number; samples: number; reason: string }
  | { kind: 'sent'; loss: number; samples: number; payload: Uint8Array; values: number };

/**
 * The round loop of DESIGN.md: sample → broadcast → local training → upload decision → encode →
 * channel → decode → validate → aggregate → evaluate → ledger row. A client trains each of its
 * adapter slots (one per task it holds) from what the server last sent that slot. Clients and
 * slots are processed in ascending order, so a run is a pure function of its seed.
 */
export async function runRounds(input: RoundLoopInput): Promise<RoundLoopResult> {
  const { components, seed } = input;
  const { selector, channel, aggregator, backend } = components;
  const { resume } = input;
  const clientMemory = resume?.clientMemory ?? new MemoryStore();
  const serverMemory = resume?.serverMemory ?? new MemoryStore();
  const clientIds = input.clients.map((c) => c.clientId);
  const length = input.initialGlobal.length;
  const knownSlots = new Set(input.clients.flatMap((client) => client.slots.map((slot) => slotKey(slot.clientId, slot.slot ?? 0))));
  const slotCounts = new Map(input.clients.map((client) => [client.clientId, client.slots.length]));
  const placementOf = (result: Float32Array | SlotAggregation, who: string) =>
    result instanceof Float32Array
      ? new SlotPlacement(result, [], { length, knownSlots, who })
      : new SlotPlacement(result.global, checkGroups(result, who), { length, knownSlots, who });
  let placement = resume ? resumedPlacement(resume, length, placementOf) : placementOf(input.initialGlobal.slice(), 'the adapter');
  let previousGlobal = resume?.previousGlobal ?? placement.global;
  const startOf = (slot: ClientData) => placement.parametersOf(slot.clientId, slot.slot ?? 0);
  const fullModel: ClientModel = { trainer: input.trainer, layout: input.layout };
  const modelOf = input.modelOf ?? (() => fullModel);
  const coverageOf = input.modelOf && ((clientId: number) => modelOf(clientId).slice);

  for (let round = resume?.nextRound ?? 0; round < input.rounds; round++) {
    const started = performance.now();
    const key = (client: number, stream: number): RandomKey => ({ seed, round, client, stream });
    const forced = aggregator.forcesFullRound?.(round) ?? false;
    const participants = forced
      ? clientIds.slice()
      : selector.sample({ round, clientIds, random: key(0, RandomStreams.clientSampling) });

    const received: ReceivedUpdate[] = [];
    const missing: MissingUpdate[] = [];
    let uploaded = 0;
    let uplinkBytes = 0;
    let uplinkValues = 0;
    let downlinkBytes = 0;
    // Slots that share parameters (everyone, under FedAvg) are sent the same payload: slice and
    // serialise each distinct (vector, model) pair once.
    const sent = new SentVectors();
    let lossSum = 0;
    let sampleSum = 0;

    // Every participant's training starts at once (a worker pool runs them in parallel); results
    // are then taken in client and slot order, so the rest of the round never depends on which
    // training finished first.
    const jobs = participants.flatMap((clientId) => {
      const client = input.clients[clientId];
      if (!client) throw new FedtuneError(`selector ${selector.name} sampled unknown client ${clientId}`);
      const model = modelOf(clientId);
      return client.slots.map((slot) => {
        const start = startOf(slot);
        const sliced = sent.vector(start, model);
        const random = key(clientId, RandomStreams.batchShuffle + (slot.slot ?? 0) * SLOT_STREAM_STRIDE);
        return { clientId, model, slot, start, sliced, training: settle(model.trainer.train(sliced, slot, random)) };
      });
    });

    for (const { clientId, model, slot, start, sliced, training } of jobs) {
      const slotIndex = slot.slot ?? 0;
      downlinkBytes += sent.payloadBytes(start, model);
      const previous = round === 0 ? sliced : sent.vector(previousGlobal, model);
      const context = { model, slot, round, start: sliced, previousGlobal: previous, memory: clientMemory, forced };
      const outcome = afterTraining(input, context, await training);
      lossSum += outcome.loss * outcome.samples;
      sampleSum += outcome.samples;
      const gone = { clientId, slot: slotIndex, numSamples: outcome.samples };
      if (outcome.kind === 'skipped') {
        missing.push({ ...gone, reason: 'skipped' });
        continue;
      }
      if (outcome.kind === 'rejected') {
        input.log(`round ${round}: client ${clientId} slot ${slotIndex} rejected: ${outcome.reason}`);
        missing.push({ ...gone, reason: 'rejected' });
        continue;
      }
      uploaded++;
      uplinkBytes += outcome.payload.byteLength;
      uplinkValues += outcome.values;
      const channelKey = key(clientId, RandomStreams.channel + slotIndex * SLOT_STREAM_STRIDE);
      if (!forced && !channel.delivers(clientId, round, outcome.payload.byteLength, channelKey)) {
        missing.push({ ...gone, reason: 'lost' });
        continue;
      }
      const decoded = decodeOnServer(input, model, outcome.payload, round, clientId, slotIndex, serverMemory);
      if (typeof decoded === 'string') {
        input.log(`round ${round}: update of client ${clientId} slot ${slotIndex} rejected: ${decoded}`);
        missing.push({ ...gone, reason: 'rejected' });
        continue;
      }
      received.push(
        model.slice === undefined
          ? { ...gone, base: start, update: decoded }
          : { ...gone, base: start, update: scatterSlice(decoded, model.slice, length), coverage: model.slice },
      );
    }

    const global = placement.global;
    const result = aggregator.aggregate({
      round,
      global,
      received,
      missing,
      clientIds,
      slotsOf: (clientId) => slotCounts.get(clientId) ?? 0,
      backend,
      layout: input.layout,
      memoryOf: (clientId, slot = 0) => serverMemory.of(slotComponent('aggregator', slot), clientId),
      ...(coverageOf ? { coverageOf } : {}),
    });
    previousGlobal = global;
    placement = placementOf(result, `aggregator ${aggregator.name}`);

    const evaluate = (round + 1) % input.evaluateEvery === 0 || round === input.rounds - 1;
    const evaluation = evaluate ? await evaluateTasks(input.trainer, input.tasks, input.clients, placement) : undefined;
    const metrics = evaluate ? input.metrics?.(placement.global) : undefined;
    input.onRound({
      round,
      participants: participants.length,
      uploaded,
      skipped: missing.filter((m) => m.reason === 'skipped').length,
      lost: missing.filter((m) => m.reason === 'lost').length,
      rejected: missing.filter((m) => m.reason === 'rejected').length,
      uplinkBytes,
      uplinkValues,
      downlinkBytes,
      trainLoss: sampleSum > 0 ? lossSum / sampleSum : 0,
      testAccuracy: evaluation ? evaluation.accuracy : null,
      testLoss: evaluation ? evaluation.loss : null,
      wallMs: performance.now() - started,
      ...(evaluation && input.tasks.every((task) => task.languageModel) ? { testPerplexity: Math.exp(evaluation.loss) } : {}),
      ...(evaluation?.taskAccuracy ? { taskAccuracy: evaluation.taskAccuracy } : {}),
      ...(evaluation?.clustering ? { clustering: evaluation.clustering } : {}),
      ...(metrics ? { metrics } : {}),
    });
    const { checkpoint } = input;
    if (checkpoint && (round + 1) % checkpoint.every === 0 && round + 1 < input.rounds) {
      checkpoint.write({
        nextRound: round + 1,
        global: placement.global,
        previousGlobal,
        groups: placement.groups,
        clientMemory,
        serverMemory,
      });
    }
  }
  return { global: placement.global, groups: placement.groups };
}

/** The checkpoint's global model and slot groups, refused with the fix when they do not fit this run. */
function resumedPlacement(
  resume: ServerState,
  length: number,
  placementOf: (result: SlotAggregation, who: string) => SlotPlacement,
): SlotPlacement {
  try {
    const problem = findUpdateProblem(resume.previousGlobal, length);
    if (problem !== undefined) throw new FedtuneError(`the checkpoint: the previous global model ${problem}`);
    return placementOf(resume, 'the checkpoint');
  } catch (error) {
    throw new FedtuneError(`${(error as Error).message}; resume with the experiment that wrote the checkpoint`, { cause: error });
  }
}

/** The groups of a slot aggregation, refused when an aggregator returns another shape (plugins are plain JavaScript). */
function checkGroups(result: SlotAggregation, who: string): readonly SlotGroup[] {
  const { groups } = result as Partial<SlotAggregation>;
  if (!(result.global instanceof Float32Array) || !Array.isArray(groups)) {
    throw new FedtuneError(`${who} returned neither a Float32Array nor { global, groups }; see the SlotAggregation contract`);
  }
  return groups;
}

/**
 * Each distinct vector the server sends this round, cut to each client model and serialised once:
 * the bytes a client receives are those of its own slice.
 */
class SentVectors {
  private readonly cuts = new Map<Float32Array, Map<ClientModel, { vector: Float32Array; payloadBytes?: number }>>();

  /** `full` as `model` sees it (its slice, or `full` itself). */
  vector(full: Float32Array, model: ClientModel): Float32Array {
    return this.cut(full, model).vector;
  }

  /** Bytes of the payload that carries `full` to a client training `model`. */
  payloadBytes(full: Float32Array, model: ClientModel): number {
    const cut = this.cut(full, model);
    cut.payloadBytes ??= encodeFloat32Payload(cut.vector).byteLength;
    return cut.payloadBytes;
  }

  private cut(full: Float32Array, model: ClientModel): { vector: Float32Array; payloadBytes?: number } {
    let byModel = this.cuts.get(full);
    if (byModel === undefined) {
      byModel = new Map();
      this.cuts.set(full, byModel);
    }
    let found = byModel.get(model);
    if (found === undefined) {
      found = { vector: model.slice === undefined ? full : gatherSlice(full, model.slice) };
      byModel.set(model, found);
    }
    return found;
  }
}

/** A training's result or error, held so a later failure is never an unhandled rejection. */
type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

/** One slot's place in the round: `start` and `previousGlobal` are already cut to its model. */
interface SlotContext {
  model: ClientModel;
  slot: ClientData;
  round: number;
  start: Float32Array;
  previousGlobal: Float32Array;
  memory: MemoryStore;
  forced: boolean;
}

/** The skip rule and encoding after local training: the rest of what a client does for one slot. */
function afterTraining(input: RoundLoopInput, context: SlotContext, training: Settled<LocalTrainResult>): SlotOutcome {
  const { backend, selector, compressor } = input.components;
  const { model, slot, round, start, previousGlobal, memory, forced } = context;
  const clientId = slot.clientId;
  const slotIndex = slot.slot ?? 0;
  const samples = slot.indices.length;
  if (!training.ok) {
    // A client whose training diverged sends nothing usable; the federation goes on without it.
    const { error } = training;
    if (isFedtuneError(error, 'NonFiniteError')) return { kind: 'rejected', loss: 0, samples, reason: error.message };
    throw error;
  }
  const trained = training.value;
  const loss = trained.meanLoss;
  const update = backend.axpy(-1, start, trained.parameters);
  const encodeContext: EncodeContext = {
    seed: input.seed,
    round,
    clientId,
    backend,
    memory: memory.of(slotComponent('compressor', slotIndex), clientId),
    trainLoss: loss,
    layout: model.layout,
  };
  // Worked out once: the skip rule judges the very upload that is then encoded.
  const prepared: PreparedUpload | undefined = compressor.prepare?.(update, encodeContext);
  const upload =
    forced ||
    selector.shouldUpload({
      round,
      clientId,
      update,
      global: start,
      previousGlobal,
      backend,
      memory: memory.of(slotComponent('selector', slotIndex), clientId),
      ...(prepared ? { prepared } : {}),
    });
  if (!upload) return { kind: 'skipped', loss, samples };
  return { kind: 'sent', loss, samples, payload: compressor.encode(update, encodeContext, prepared), values: update.length };
}

/** Decodes and validates one upload; a string return is why it was rejected. */
function decodeOnServer(
  input: RoundLoopInput,
  model: ClientModel,
  payload: Uint8Array,
  round: number,
  clientId: number,
  slot: number,
  memory: MemoryStore,
): Float32Array | string {
  const { backend, compressor } = input.components;
  const length = model.slice?.length ?? input.initialGlobal.length;
  let decoded: Float32Array;
  try {
    decoded = compressor.decode(payload, length, {
      seed: input.seed,
      round,
      clientId,
      backend,
      memory: memory.of(slotComponent('compressor', slot), clientId),
      layout: model.layout,
    });
  } catch (error) {
    if (isFedtuneError(error, 'PayloadError') || isFedtuneError(error, 'NonFiniteError')) return error.message;
    throw error;
  }
  return findUpdateProblem(decoded, length) ?? decoded;
}
