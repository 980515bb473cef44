import type { ClientData } from '../data/types.js';
import type { LocalTrainer } from '../model/trainer.js';
import { adjustedRandIndex, clusteringAccuracy } from '../metrics/clustering.js';
import type { FederatedClient, FederationTask } from './prepareFederation.js';

/** Test results of one evaluation over every task. */
export interface TaskEvaluation {
  /** Mean test accuracy over the tasks (the one task's accuracy in single-task runs). */
  accuracy: number;
  loss: number;
  /** Per-task accuracy, in task order, when there is more than one task. */
  taskAccuracy?: number[];
  /** How well the slots' parameters group by true task, when the server keeps per-slot parameters. */
  clustering?: { accuracy: number; adjustedRandIndex: number };
}

/**
 * Evaluates each task with the parameters most of its slots were sent (the global model unless the
 * aggregator keeps per-slot parameters), on that task's test images. The engine knows each slot's
 * true task; aggregators never do — this is measurement, not part of the protocol.
 */
export async function evaluateTasks(
  trainer: LocalTrainer,
  tasks: readonly FederationTask[],
  clients: readonly FederatedClient[],
  parametersOf: (slot: ClientData) => Float32Array,
): Promise<TaskEvaluation> {
  const slots = clients.flatMap((client) => client.slots);
  const results = [];
  for (const [task, info] of tasks.entries()) {
    const holders = slots.filter((slot) => (slot.tasks ?? [0]).includes(task));
    const parameters = mostCommon(holders.map(parametersOf));
    results.push(await trainer.evaluate(parameters, info.test, info.testIndices));
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const evaluation: TaskEvaluation = {
    accuracy: mean(results.map((r) => r.accuracy)),
    loss: mean(results.map((r) => r.loss)),
  };
  if (tasks.length > 1) {
    evaluation.taskAccuracy = results.map((r) => r.accuracy);
    const singleTaskSlots = slots.filter((slot) => slot.tasks?.length === 1);
    if (singleTaskSlots.length === slots.length) {
      const clusters = clusterIds(singleTaskSlots.map(parametersOf));
      const truth = singleTaskSlots.map((slot) => slot.tasks?.[0] as number);
      evaluation.clustering = { accuracy: clusteringAccuracy(clusters, truth), adjustedRandIndex: adjustedRandIndex(clusters, truth) };
    }
  }
  return evaluation;
}

/** The vector most slots share (by identity: aggregators hand every member of a group one array). */
function mostCommon(vectors: readonly Float32Array[]): Float32Array {
  const counts = new Map<Float32Array, number>();
  for (const vector of vectors) counts.set(vector, (counts.get(vector) ?? 0) + 1);
  let best = vectors[0] as Float32Array;
  for (const [vector, count] of counts) if (count > (counts.get(best) as number)) best = vector;
  return best;
}

/** Numbers the distinct vectors in order of first appearance: the server's implied clustering. */
function clusterIds(vectors: readonly Float32Array[]): number[] {
  const ids = new Map<Float32Array, number>();
  return vectors.map((vector) => {
    if (!ids.has(vector)) ids.set(vector, ids.size);
    return ids.get(vector) as number;
  });
}
