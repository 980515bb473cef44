import { resolve } from 'node:path';
import {
  type AggregationContext,
  type Aggregator,
  type ReceivedUpdate,
  type SlotAggregation,
  slotKey,
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
}

const SLOT_COUNT = 'tac.slots';
const PARAMETERS = 'tac.parameters';

/**
 * Task-specific aggregation (TAC): the server groups the trained adapters of all slots (base +
 * update) with a {@link SlotClustering}, averages each group, and sends every member its group's
 * mean — one shared array per group, so the engine sees the grouping. A slot that sends nothing in
 * a round keeps the parameters it was last sent. The global vector (for slots never seen, and the
 * exported adapter) is the mean of the largest group (the first on ties).
 *
 * `tac` (k-means), `tac-oracle` (true tasks) and `tac-local` (every slot alone) differ only in the
 * clustering, so they share every other step.
 */
export class ClusteredAggregator implements Aggregator {
  private readonly projectionLog: ProjectionLog | undefined;

  constructor(
    readonly name: string,
    private readonly settings: ClusteredAggregatorSettings,
  ) {
    this.projectionLog =
      settings.projectionDir === undefined
        ? undefined
        : new ProjectionLog(resolve(settings.projectionDir), `${name}-seed-${settings.seed}.jsonl`);
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
    const slots = new Map<string, Float32Array>();
    received.forEach((r, i) => slots.set(slotKey(r.clientId, r.slot), means[labels[i] as number] as Float32Array));
    keepIdleSlots(context, slots);
    if (this.projectionLog && received.length > 0) this.logProjection(context.round, received, labels, featuresOnce(), context);
    return { global: largestCluster(means, labels) ?? context.global.slice(), slots };
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

/**
 * Slots that sent nothing this round (not sampled, skipped, lost or rejected) keep what they were
 * last sent, as a client keeps its task adapter between the rounds it takes part in. The server
 * remembers, per client, how many slots it has seen and what each was sent.
 */
function keepIdleSlots(context: AggregationContext, slots: Map<string, Float32Array>): void {
  for (const clientId of context.clientIds) {
    const known = context.memoryOf(clientId).get(SLOT_COUNT);
    for (let slot = 0; typeof known === 'number' && slot < known; slot++) {
      const last = context.memoryOf(clientId, slot).get(PARAMETERS);
      if (!slots.has(slotKey(clientId, slot)) && last instanceof Float32Array) slots.set(slotKey(clientId, slot), last);
    }
  }
  for (const r of context.received) {
    const memory = context.memoryOf(r.clientId);
    const known = memory.get(SLOT_COUNT);
    memory.set(SLOT_COUNT, Math.max(typeof known === 'number' ? known : 0, r.slot + 1));
    context.memoryOf(r.clientId, r.slot).set(PARAMETERS, slots.get(slotKey(r.clientId, r.slot)) as Float32Array);
  }
}

/** The mean of the cluster with the most members (the lowest label on ties). */
function largestCluster(means: readonly (Float32Array | undefined)[], labels: readonly number[]): Float32Array | undefined {
  const counts = new Map<number, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  let best: number | undefined;
  for (const [label, count] of counts) {
    if (best === undefined || count > (counts.get(best) as number) || (count === counts.get(best) && label < best)) best = label;
  }
  return best === undefined ? undefined : means[best];
}
