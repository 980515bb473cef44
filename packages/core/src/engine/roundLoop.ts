import type { ParameterSpec } from '../contracts/adapter.js';
import {
  type AggregationContext,
  type Aggregator,
  type MissingUpdate,
  type ReceivedUpdate,
  type SlotAggregation,
  type SlotGroup,
  slotKey,
} from '../contracts/aggregator.js';
import type { ClientData } from '../data/types.js';
import { CheckpointError, FedtuneError, isFedtuneError } from '../errors.js';
import { gatherSlice, scatterSlice } from '../model/adapters/nestedSlice.js';
import type { LocalTrainer } from '../model/training/trainer.js';
import { type RandomKey, RandomStreams, SLOT_STREAM_STRIDE } from '../random/counterRandom.js';
import { encodeFloat32Payload } from '../wire/float32Payload.js';
import type { ServerState } from './checkpoint.js';
import { type ClientModel, type ClientSide, settle, SimulatedClients } from './clientSide.js';
import type { RunComponents } from './components.js';
import { evaluateTasks } from './evaluateTasks.js';
import { type EvaluationSchedule, evaluatesRound, interimTestTasks, testExamplesOf } from './evaluationSchedule.js';
import type { LedgerRow } from './ledger.js';
import { MemoryStore, slotComponent } from './memoryStore.js';
import type { FederatedClient, FederationTask } from '../federation/types.js';
import { SlotPlacement } from './slotPlacement.js';
import { RoundScreen } from './roundScreen.js';
import { findUpdateProblem } from './updateValidation.js';
import { describeComponent, pluginContractBreach, pluginFailure } from '../plugins/componentOrigin.js';
import { RejectionStreak } from './rejectionStreak.js';
import type { UpdateScreen } from '../experiment/schema.js';

/** Everything one federated run needs besides its components. */
export interface RoundLoopInput {
  seed: number;
  rounds: number;
  /** Which rounds evaluate, and on how many test examples before the last (see {@link evaluatesRound}). */
  evaluation: EvaluationSchedule;
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
  /** The norm bound every decoded update must pass before aggregation (see {@link RoundScreen}). */
  updateScreen: UpdateScreen;
  /**
   * The model each client trains (its trainer, and its slice under heterogeneous ranks); without
   * it every client trains with `trainer` on the whole `layout`.
   */
  modelOf?: (clientId: number) => ClientModel;
  /**
   * Where clients train, run their skip rule and encode: across a network, say. Without it every
   * client runs in this process ({@link SimulatedClients}), its memory kept in the checkpoint.
   */
  clientSide?: ClientSide;
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

/**
 * The round loop of DESIGN.md: sample → broadcast → local training → upload decision → encode →
 * channel → decode → validate → screen → aggregate → evaluate → ledger row. A client trains each of its
 * adapter slots (one per task it holds) from what the server last sent that slot. Clients and
 * slots are processed in ascending order, so a run is a pure function of its seed.
 */
export async function runRounds(input: RoundLoopInput): Promise<RoundLoopResult> {
  const { components, seed } = input;
  const { selector, channel, aggregator, backend } = components;
  const { resume } = input;
  const serverMemory = resume?.serverMemory ?? new MemoryStore();
  const clientIds = input.clients.map((c) => c.clientId);
  const length = input.initialGlobal.length;
  const slots = input.clients.flatMap((client) => client.slots.map((slot) => ({ clientId: slot.clientId, slot: slot.slot ?? 0 })));
  const knownSlots = new Set(slots.map((slot) => slotKey(slot.clientId, slot.slot)));
  const screen = new RoundScreen(input.updateScreen, serverMemory, slots);
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
  const clientSide = input.clientSide ?? new SimulatedClients({ seed, components, modelOf }, resume?.clientMemory);
  const rejectionStreak = new RejectionStreak(resume !== undefined);
  // Drawn once, so every round before the last scores the same examples.
  const interimTasks = interimTestTasks(input.tasks, input.evaluation.testLimit, seed);

  for (let round = resume?.nextRound ?? 0; round < input.rounds; round++) {
    const started = performance.now();
    const key = (client: number, stream: number): RandomKey => ({ seed, round, client, stream });
    const forced = aggregator.forcesFullRound?.(round) ?? false;
    const participants = forced
      ? clientIds.slice()
      : selector.sample({ round, clientIds, random: key(0, RandomStreams.clientSampling) });

    const decodedUpdates: DecodedUpdate[] = [];
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
    let firstRejection: string | undefined;
    /** @param who `client 3 slot 0` or `update of client 3 slot 0`, as the log has always named them */
    const reject = (gone: Omit<MissingUpdate, 'reason'>, who: string, reason: string): void => {
      const line = `${who} rejected: ${reason}`;
      input.log(`round ${round}: ${line}`);
      firstRejection ??= line;
      missing.push({ ...gone, reason: 'rejected' });
    };

    // Every participant's slots start at once (a worker pool or remote clients train them in
    // parallel); outcomes are then taken in client and slot order, so the rest of the round never
    // depends on which client finished first.
    const jobs = participants.flatMap((clientId) => {
      const client = input.clients[clientId];
      if (!client) throw new FedtuneError(`selector ${selector.name} sampled unknown client ${clientId}`);
      const model = modelOf(clientId);
      return client.slots.map((slot) => {
        const start = startOf(slot);
        const sliced = sent.vector(start, model);
        const previous = round === 0 ? sliced : sent.vector(previousGlobal, model);
        const assignment = { round, clientId, slot, start: sliced, previousGlobal: previous, forced };
        return { clientId, model, slot, start, outcome: settle(clientSide.run(assignment)) };
      });
    });

    for (const job of jobs) {
      const { clientId, model, slot, start } = job;
      const slotIndex = slot.slot ?? 0;
      downlinkBytes += sent.payloadBytes(start, model);
      const settled = await job.outcome;
      if (!settled.ok) throw settled.error;
      const outcome = settled.value;
      const gone = { clientId, slot: slotIndex, numSamples: outcome.samples };
      if (outcome.kind === 'lost') {
        input.log(`round ${round}: client ${clientId} slot ${slotIndex} lost: ${outcome.reason}`);
        missing.push({ ...gone, reason: 'lost' });
        continue;
      }
      if (outcome.kind === 'rejected') {
        reject(gone, `client ${clientId} slot ${slotIndex}`, outcome.reason);
        continue;
      }
      lossSum += outcome.loss * outcome.samples;
      sampleSum += outcome.samples;
      if (outcome.kind === 'skipped') {
        missing.push({ ...gone, reason: 'skipped' });
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
        reject(gone, `update of client ${clientId} slot ${slotIndex}`, decoded);
        continue;
      }
      decodedUpdates.push({ gone, start, sentStart: sent.vector(start, model), model, decoded });
    }

    // The screen compares each update with the round's others, so it runs once every upload is decoded.
    const received: ReceivedUpdate[] = [];
    const screened = screen.check(
      decodedUpdates.map((d) => ({ slot: d.gone, norms: { update: backend.norm2(d.decoded), start: backend.norm2(d.sentStart) } })),
    );
    for (const [index, { gone, start, model, decoded }] of decodedUpdates.entries()) {
      const reason = screened[index];
      if (reason !== undefined) {
        reject(gone, `update of client ${gone.clientId} slot ${gone.slot}`, reason);
        continue;
      }
      received.push(
        model.slice === undefined
          ? { ...gone, base: start, update: decoded }
          : { ...gone, base: start, update: scatterSlice(decoded, model.slice, length), coverage: model.slice },
      );
    }

    const missingCounts = { skipped: 0, lost: 0, rejected: 0 };
    for (const { reason } of missing) missingCounts[reason]++;
    rejectionStreak.record(round, jobs.length, missingCounts.rejected, firstRejection);
    const global = placement.global;
    const result = aggregateOrExplain(aggregator, {
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
    placement = aggregatedPlacement(aggregator, result, placementOf);

    const evaluate = evaluatesRound(round, input.rounds, input.evaluation.every);
    const testTasks = round === input.rounds - 1 ? input.tasks : interimTasks;
    const evaluation = evaluate ? await evaluateTasks(input.trainer, testTasks, input.clients, placement) : undefined;
    const metrics = evaluate ? input.metrics?.(placement.global) : undefined;
    input.onRound({
      round,
      participants: participants.length,
      uploaded,
      ...missingCounts,
      uplinkBytes,
      uplinkValues,
      downlinkBytes,
      ...wireColumns(clientSide),
      trainLoss: sampleSum > 0 ? lossSum / sampleSum : null,
      testAccuracy: evaluation ? evaluation.accuracy : null,
      testLoss: evaluation ? evaluation.loss : null,
      ...(evaluation && testTasks !== input.tasks ? { testSubsetExamples: testExamplesOf(testTasks) } : {}),
      wallMs: performance.now() - started,
      ...(evaluation && input.tasks.every((task) => task.languageModel) ? { testPerplexity: Math.exp(evaluation.loss) } : {}),
      ...(evaluation?.taskAccuracy ? { taskAccuracy: evaluation.taskAccuracy } : {}),
      ...(evaluation?.majorityAdapterTaskAccuracy ? { majorityAdapterTaskAccuracy: evaluation.majorityAdapterTaskAccuracy } : {}),
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
        clientMemory: clientSide.memory ?? new MemoryStore(),
        serverMemory,
      });
    }
  }
  return { global: placement.global, groups: placement.groups };
}

/** An upload that arrived and decoded to a valid update, before the screen. */
interface DecodedUpdate {
  gone: Omit<MissingUpdate, 'reason'>;
  /** The full parameters the slot started from. */
  start: Float32Array;
  /** What the client was sent of them (its slice), the vector its update is the same length as. */
  sentStart: Float32Array;
  model: ClientModel;
  decoded: Float32Array;
}

/** The ledger's wire columns, when clients sit across a network. */
function wireColumns(clientSide: ClientSide): Pick<LedgerRow, 'uplinkWireBytes' | 'downlinkWireBytes'> {
  const wire = clientSide.takeWireBytes?.();
  return wire === undefined ? {} : { uplinkWireBytes: wire.uplink, downlinkWireBytes: wire.downlink };
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
    throw new CheckpointError(`${(error as Error).message}; resume with the experiment that wrote the checkpoint`, { cause: error });
  }
}

/** What the aggregator returned as the next placement; a result its contract rules out is a bug in the aggregator. */
function aggregatedPlacement(
  aggregator: Aggregator,
  result: Float32Array | SlotAggregation,
  placementOf: (result: Float32Array | SlotAggregation, who: string) => SlotPlacement,
): SlotPlacement {
  try {
    return placementOf(result, describeComponent('aggregator', aggregator));
  } catch (error) {
    throw pluginContractBreach('aggregator', aggregator, (error as Error).message, error);
  }
}

/** The aggregator's step; anything it throws is a bug in the aggregator, named as such. */
function aggregateOrExplain(aggregator: Aggregator, context: AggregationContext): Float32Array | SlotAggregation {
  try {
    return aggregator.aggregate(context);
  } catch (error) {
    if (isFedtuneError(error)) throw error;
    throw pluginFailure('aggregator', aggregator, `aggregating round ${context.round}`, error);
  }
}

/** The groups of a slot aggregation, refused when an aggregator returns another shape (plugins are plain JavaScript). */
function checkGroups(result: SlotAggregation, who: string): readonly SlotGroup[] {
  const { global, groups } = (typeof result === 'object' && result !== null ? result : {}) as Partial<SlotAggregation>;
  if (!(global instanceof Float32Array) || !Array.isArray(groups)) {
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
    // Memory the decoder cannot use (see ClientMemory): a damaged checkpoint, not a bug in the plugin.
    if (isFedtuneError(error, 'CheckpointError')) throw error;
    throw pluginFailure('compressor', compressor, `decoding client ${clientId}'s upload (slot ${slot}) in round ${round}`, error);
  }
  return findUpdateProblem(decoded, length) ?? decoded;
}
