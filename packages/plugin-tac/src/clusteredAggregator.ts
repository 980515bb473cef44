import {
  type AggregationContext,
  type Aggregator,
  type ClientMemory,
  type ComponentAssumptions,
  damagedMemory,
  type ReceivedUpdate,
  type SlotAggregation,
  type SlotGroup,
  slotKey,
  storedScalar,
  storedTensor,
} from '@fedtune/core';
import { clusteredRanges, featureRows } from './clusteredTensors.js';
import { type ClusterWeighting, clusterMeans } from './clusterMeans.js';
import { principalPlane } from './principalPlane.js';
import { ProjectionLog } from './projectionLog.js';
import type { SlotClustering } from './slotClusterings.js';
import { TacStreams } from './streams.js';

/** How a {@link ClusteredAggregator} groups and averages. */
export interface ClusteredAggregatorSettings {
  clustering: SlotClustering;
  weighting: ClusterWeighting;
  /** Cluster (and project) on the whole vector rather than the LoRA A/B tensors. */
  includeHead: boolean;
  /** Where to log each round's adapters projected to 2-D, if anywhere. */
  projectionDir?: string | undefined;
  /** The run's seed (for the projection's power iterations). */
  seed: number;
  /** Conditions the clustering was shown to work under, for the engine's warning. */
  assumes?: ComponentAssumptions;
}

const PARAMETERS = 'tac.parameters';
const SENT_ROUND = 'tac.sentRound';
const SENT_CLUSTER = 'tac.sentCluster';

/**
 * Task-specific aggregation (TAC): the server groups the trained adapters of all slots (base +
 * update) with a {@link SlotClustering}, averages each group, and sends every member its group's
 * mean. The global vector (for slots never seen, and the exported adapter) is the mean of the
 * largest group (the first on ties), so that group's members start from it; every other cluster is
 * a {@link SlotGroup}. A slot that sends nothing in a round keeps the parameters it was last sent,
 * and stays grouped with the slots that were sent the same cluster mean in the same round. What a
 * slot was sent is kept in server memory; a stored value this aggregator cannot have written (of
 * the wrong length, a round or cluster that is not a whole number) comes from a damaged checkpoint
 * and stops the run with a `CheckpointError` naming the key.
 *
 * `tac` (k-means), `tac-oracle` (true tasks) and `tac-local` (every slot alone) differ only in the
 * clustering, so they share every other step.
 */
export class ClusteredAggregator implements Aggregator {
  readonly supportsTaskSlots = true;
  readonly assumes: ComponentAssumptions | undefined;
  private readonly projectionLog: ProjectionLog | undefined;

  constructor(
    readonly name: string,
    private readonly settings: ClusteredAggregatorSettings,
  ) {
    this.assumes = settings.assumes;
    this.projectionLog =
      settings.projectionDir === undefined
        ? undefined
        : new ProjectionLog(settings.projectionDir, `${name}-seed-${settings.seed}.jsonl`);
  }

  aggregate(context: AggregationContext): SlotAggregation {
    const { backend } = context;
    const received = [...context.received].sort(byClientThenSlot);
    const trained = received.map((r) => backend.axpy(1, r.update, r.base));
    let features: { rows: Float32Array; dimension: number } | undefined;
    const featuresOnce = () =>
      (features ??= featureRows(trained, clusteredRanges(context.layout, context.global.length, this.settings.includeHead)));
    let distances: Float32Array | undefined;
    const labels =
      received.length === 0
        ? []
        : this.settings.clustering({
            round: context.round,
            slots: received,
            slotsOf: context.slotsOf,
            distances: () => {
              const { rows, dimension } = featuresOnce();
              return (distances ??= backend.pairwiseSquaredEuclidean(rows, received.length, dimension));
            },
          });
    const means = clusterMeans(
      trained,
      received.map((r) => r.numSamples),
      labels,
      this.settings.weighting,
      backend,
    );
    const largest = largestCluster(labels);
    const groups = new SlotGroups();
    received.forEach((r, i) => {
      const cluster = labels[i] as number;
      const parameters = means[cluster] as Float32Array;
      rememberSent(context, r, cluster, parameters);
      if (cluster !== largest) groups.add(`${context.round}:${cluster}`, parameters, slotKey(r.clientId, r.slot));
    });
    addIdleSlots(context, groups);
    if (this.projectionLog && received.length > 0) this.logProjection(context.round, received, labels, featuresOnce(), context);
    const global = largest === undefined ? context.global.slice() : (means[largest] as Float32Array);
    return { global, groups: groups.list() };
  }

  private logProjection(
    round: number,
    received: readonly ReceivedUpdate[],
    labels: readonly number[],
    { rows, dimension }: { rows: Float32Array; dimension: number },
    context: AggregationContext,
  ): void {
    const random = { seed: this.settings.seed, round, client: 0, stream: TacStreams.projectionStart };
    const plane = principalPlane(rows, received.length, dimension, context.backend, random);
    this.projectionLog?.write({
      round,
      explainedVariance: plane.explainedVariance,
      slots: received.map((r, i) => {
        const [x, y] = plane.coordinates[i] as [number, number];
        return { clientId: r.clientId, slot: r.slot, cluster: labels[i] as number, x, y };
      }),
    });
  }
}

function byClientThenSlot(a: ReceivedUpdate, b: ReceivedUpdate): number {
  return a.clientId - b.clientId || a.slot - b.slot;
}

/** Groups keyed by the round and cluster whose mean their members were sent. */
class SlotGroups {
  private readonly byKey = new Map<string, { parameters: Float32Array; slots: string[] }>();

  add(key: string, parameters: Float32Array, slot: string): void {
    const group = this.byKey.get(key);
    if (group === undefined) this.byKey.set(key, { parameters, slots: [slot] });
    else group.slots.push(slot);
  }

  list(): SlotGroup[] {
    return [...this.byKey.values()];
  }
}

/** Remembers what a slot was sent and with which round's cluster, on the server, per slot. */
function rememberSent(context: AggregationContext, r: ReceivedUpdate, cluster: number, parameters: Float32Array): void {
  const memory = context.memoryOf(r.clientId, r.slot);
  memory.set(PARAMETERS, parameters);
  memory.set(SENT_ROUND, context.round);
  memory.set(SENT_CLUSTER, cluster);
}

/**
 * Slots that sent nothing this round (not sampled, skipped, lost or rejected) keep what they were
 * last sent, as a client keeps its task adapter between the rounds it takes part in, in a group
 * with the slots sent the same mean. Slots never received start from the global vector.
 */
function addIdleSlots(context: AggregationContext, groups: SlotGroups): void {
  const receivedNow = new Set(context.received.map((r) => slotKey(r.clientId, r.slot)));
  for (const clientId of context.clientIds) {
    for (let slot = 0; slot < context.slotsOf(clientId); slot++) {
      if (receivedNow.has(slotKey(clientId, slot))) continue;
      const memory = context.memoryOf(clientId, slot);
      // Every slot is sent a vector of the global's length: TAC trains no slices.
      const parameters = storedTensor(memory, PARAMETERS, context.global.length);
      if (parameters === undefined) continue;
      const sentIn = sentRound(memory, context.round);
      groups.add(`${sentIn}:${storedWholeNumber(memory, SENT_CLUSTER)}`, parameters, slotKey(clientId, slot));
    }
  }
}

/**
 * The round an idle slot was last sent its parameters: an earlier one, or it would be grouped
 * with this round's clusters, whose means it was never sent.
 */
function sentRound(memory: ClientMemory, round: number): number {
  const sentIn = storedWholeNumber(memory, SENT_ROUND);
  if (sentIn >= round) throw damagedMemory(SENT_ROUND, `holds round ${sentIn}, not one before round ${round}`);
  return sentIn;
}

/** A whole number written alongside the slot's parameters, so it is there whenever they are. */
function storedWholeNumber(memory: ClientMemory, key: string): number {
  const stored = storedScalar(memory, key, { integer: true });
  if (stored === undefined) throw damagedMemory(key, `holds nothing, though "${PARAMETERS}" holds the parameters sent with it`);
  return stored;
}

/** The cluster with the most members (the lowest label on ties); `undefined` when nothing arrived. */
function largestCluster(labels: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  let best: number | undefined;
  for (const [label, count] of counts) {
    if (best === undefined || count > (counts.get(best) as number) || (count === counts.get(best) && label < best)) best = label;
  }
  return best;
}
