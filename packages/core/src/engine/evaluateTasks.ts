import type { ClientData } from '../data/types.js';
import type { EvaluationResult, LocalTrainer } from '../model/training/trainer.js';
import { adjustedRandIndex, clusteringAccuracy } from '../metrics/clustering.js';
import type { FederatedClient, FederationTask } from '../federation/types.js';
import type { SlotPlacement } from './slotPlacement.js';
import { taskHolders } from './taskHolders.js';

/** Test results of one evaluation over every task. */
export interface TaskEvaluation {
  /** Mean over the tasks of each task's client-averaged accuracy (see {@link evaluateTasks}). */
  accuracy: number;
  /** The same mean of test cross-entropy. */
  loss: number;
  /** Client-averaged accuracy per task, in task order, when there is more than one task. */
  taskAccuracy?: number[];
  /**
   * Per task, the accuracy of the parameters most of its clients hold, when there is more than one
   * task: what evaluation reported before it scored every client, kept to show what that hid.
   */
  majorityAdapterTaskAccuracy?: number[];
  /** How well the slots' parameters group by true task, when the server keeps per-slot parameters. */
  clustering?: { accuracy: number; adjustedRandIndex: number };
}

/**
 * Scores every client on each task it holds with the parameters it trains that task with (the
 * global model unless the aggregator groups slots), on that task's test images, and averages over
 * the task's clients; a client the server put in the wrong group is scored with the wrong group's
 * parameters, as it would use them. Clients holding the same slot group share one evaluation, so a
 * round costs one pass over a task's test set per distinct set of parameters its clients hold.
 * The clustering compares the aggregator's slot groups with the true tasks. The engine knows each
 * slot's true task; aggregators never do — this is measurement, not part of the protocol.
 */
export async function evaluateTasks(
  trainer: Pick<LocalTrainer, 'evaluate'>,
  tasks: readonly FederationTask[],
  clients: readonly FederatedClient[],
  placement: SlotPlacement,
): Promise<TaskEvaluation> {
  const perTask = [];
  for (const [task, { holders, majority }] of taskHolders(clients, placement, tasks.length).entries()) {
    const { test, testIndices } = tasks[task] as FederationTask;
    const results = new Map<number, EvaluationResult>();
    for (const { group } of holders) results.set(group, await trainer.evaluate(placement.parametersOfGroup(group), test, testIndices));
    const clientCount = holders.reduce((sum, holder) => sum + holder.clients, 0);
    // Each group weighs by its share of the task's clients: a task whose clients all hold one group
    // reports that group's figures exactly (a weight of 1), not a product divided back.
    const clientMean = (value: (result: EvaluationResult) => number) =>
      holders.reduce((sum, { group, clients: held }) => sum + (held / clientCount) * value(results.get(group) as EvaluationResult), 0);
    perTask.push({
      accuracy: clientMean((r) => r.accuracy),
      loss: clientMean((r) => r.loss),
      majorityAccuracy: (results.get(majority) as EvaluationResult).accuracy,
    });
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const evaluation: TaskEvaluation = {
    accuracy: mean(perTask.map((r) => r.accuracy)),
    loss: mean(perTask.map((r) => r.loss)),
  };
  if (tasks.length > 1) {
    evaluation.taskAccuracy = perTask.map((r) => r.accuracy);
    evaluation.majorityAdapterTaskAccuracy = perTask.map((r) => r.majorityAccuracy);
    const slots = clients.flatMap((client) => client.slots);
    const singleTaskSlots = slots.filter((slot) => slot.tasks?.length === 1);
    if (singleTaskSlots.length === slots.length) evaluation.clustering = slotClustering(singleTaskSlots, placement);
  }
  return evaluation;
}

/** How the slots' groups match their true tasks (each slot holds one task). */
function slotClustering(slots: readonly ClientData[], placement: SlotPlacement): { accuracy: number; adjustedRandIndex: number } {
  const clusters = inOrderOfAppearance(slots.map((slot) => placement.groupOf(slot.clientId, slot.slot ?? 0)));
  const truth = slots.map((slot) => slot.tasks?.[0] as number);
  return { accuracy: clusteringAccuracy(clusters, truth), adjustedRandIndex: adjustedRandIndex(clusters, truth) };
}

/** Renumbers labels 0, 1, … in order of first appearance, so the contingency table has no empty rows. */
function inOrderOfAppearance(labels: readonly number[]): number[] {
  const ids = new Map<number, number>();
  return labels.map((label) => {
    if (!ids.has(label)) ids.set(label, ids.size);
    return ids.get(label) as number;
  });
}
