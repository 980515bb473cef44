import type { ClientData } from '../data/types.js';
import type { LocalTrainer } from '../model/trainer.js';
import { adjustedRandIndex, clusteringAccuracy } from '../metrics/clustering.js';
import type { FederatedClient, FederationTask } from '../federation/types.js';
import type { SlotPlacement } from './slotPlacement.js';

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
 * Evaluates each task with the parameters most of its slots start from (the global model unless the
 * aggregator groups slots), on that task's test images; the clustering compares the aggregator's
 * slot groups with the true tasks. The engine knows each slot's true task; aggregators never do —
 * this is measurement, not part of the protocol.
 */
export async function evaluateTasks(
  trainer: LocalTrainer,
  tasks: readonly FederationTask[],
  clients: readonly FederatedClient[],
  placement: SlotPlacement,
): Promise<TaskEvaluation> {
  const slots = clients.flatMap((client) => client.slots);
  const groupOf = (slot: ClientData) => placement.groupOf(slot.clientId, slot.slot ?? 0);
  const results = [];
  for (const [task, info] of tasks.entries()) {
    const holders = slots.filter((slot) => (slot.tasks ?? [0]).includes(task));
    const parameters = placement.parametersOfGroup(mostCommon(holders.map(groupOf)));
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
      const clusters = inOrderOfAppearance(singleTaskSlots.map(groupOf));
      const truth = singleTaskSlots.map((slot) => slot.tasks?.[0] as number);
      evaluation.clustering = { accuracy: clusteringAccuracy(clusters, truth), adjustedRandIndex: adjustedRandIndex(clusters, truth) };
    }
  }
  return evaluation;
}

/** The group most slots are in; ties go to the group met first. */
function mostCommon(groups: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const group of groups) counts.set(group, (counts.get(group) ?? 0) + 1);
  let best = groups[0] as number;
  for (const [group, count] of counts) if (count > (counts.get(best) as number)) best = group;
  return best;
}

/** Renumbers labels 0, 1, … in order of first appearance, so the contingency table has no empty rows. */
function inOrderOfAppearance(labels: readonly number[]): number[] {
  const ids = new Map<number, number>();
  return labels.map((label) => {
    if (!ids.has(label)) ids.set(label, ids.size);
    return ids.get(label) as number;
  });
}
