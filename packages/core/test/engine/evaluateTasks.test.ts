import { describe, expect, it } from 'vitest';
import type { FeatureSet } from '../../src/data/types.js';
import { evaluateTasks } from '../../src/engine/evaluateTasks.js';
import { SlotPlacement } from '../../src/engine/slotPlacement.js';
import type { FederatedClient, FederationTask } from '../../src/federation/types.js';

/** Task t's test set: one example whose label is t, so the stub trainer knows which task it scores. */
function task(t: number): FederationTask {
  const test: FeatureSet = { count: 1, featureSize: 1, numClasses: 2, features: Float32Array.of(0), labels: Int32Array.of(t) };
  return { spec: { name: `task ${t}`, rotate: 0 }, numClasses: 2, test, testIndices: undefined };
}

/**
 * A trainer whose parameters are their own score: on task t they reach accuracy `parameters[t]`
 * and loss 1 − that. It records every evaluation, to count them.
 */
function scoringTrainer() {
  const calls: { parameters: Float32Array; task: number }[] = [];
  return {
    calls,
    async evaluate(parameters: Float32Array, data: FeatureSet) {
      const t = data.labels[0] as number;
      calls.push({ parameters, task: t });
      const accuracy = parameters[t] as number;
      return { accuracy, loss: 1 - accuracy, count: 1 };
    },
  };
}

/** Clients with one slot per task they hold (`tasks[c]` for client c). */
function perTaskClients(tasks: readonly (readonly number[])[]): FederatedClient[] {
  const source: FeatureSet = { count: 0, featureSize: 1, numClasses: 2, features: new Float32Array(0), labels: new Int32Array(0) };
  return tasks.map((held, clientId) => ({
    clientId,
    slots: held.map((t, slot) => ({ clientId, slot, source, indices: new Uint32Array(0), tasks: [t] })),
  }));
}

const placed = (clients: readonly FederatedClient[], global: Float32Array, groups: { parameters: Float32Array; slots: string[] }[]) =>
  new SlotPlacement(global, groups, {
    length: global.length,
    knownSlots: new Set(clients.flatMap((c) => c.slots.map((s) => `${c.clientId}/${s.slot}`))),
    who: 'test',
  });

describe('evaluateTasks', () => {
  it('scores each client with the adapter it holds: two clients of a task on different adapters average, unlike the majority', async () => {
    // Clients 0 and 1 hold task 0 on adapters scoring 0.8 and 0.4; clients 0 and 2 hold task 1 on one adapter scoring 0.9.
    const clients = perTaskClients([[0, 1], [0], [1]]);
    const placement = placed(clients, Float32Array.of(0, 0), [
      { parameters: Float32Array.of(0.8, 0), slots: ['0/0'] },
      { parameters: Float32Array.of(0.4, 0), slots: ['1/0'] },
      { parameters: Float32Array.of(0, 0.9), slots: ['0/1', '2/0'] },
    ]);
    const trainer = scoringTrainer();
    const evaluation = await evaluateTasks(trainer, [task(0), task(1)], clients, placement);

    expect(evaluation.taskAccuracy?.[0]).toBeCloseTo(0.6, 6);
    expect(evaluation.taskAccuracy?.[1]).toBeCloseTo(0.9, 6);
    expect(evaluation.accuracy).toBeCloseTo(0.75, 6);
    expect(evaluation.loss).toBeCloseTo(0.25, 6);
    // The majority rule (ties to the first client) scores task 0 with client 0's adapter alone.
    expect(evaluation.majorityAdapterTaskAccuracy?.[0]).toBeCloseTo(0.8, 6);
    expect(evaluation.majorityAdapterTaskAccuracy?.[1]).toBeCloseTo(0.9, 6);
    // Clients 0 and 2 share one adapter for task 1: three evaluations, not four.
    expect(trainer.calls.map((call) => call.task)).toEqual([0, 0, 1]);
  });

  it('weights each adapter by the clients holding it, and evaluates it once', async () => {
    // Task 0: clients 0 and 2 on an adapter scoring 0.9, client 1 on one scoring 0.3 → (2·0.9 + 0.3)/3 = 0.7.
    const clients = perTaskClients([[0], [0], [0], [1]]);
    const placement = placed(clients, Float32Array.of(0.9, 0.5), [{ parameters: Float32Array.of(0.3, 0), slots: ['1/0'] }]);
    const trainer = scoringTrainer();
    const evaluation = await evaluateTasks(trainer, [task(0), task(1)], clients, placement);

    expect(evaluation.taskAccuracy?.[0]).toBeCloseTo(0.7, 6);
    expect(evaluation.majorityAdapterTaskAccuracy?.[0]).toBeCloseTo(0.9, 6);
    expect(evaluation.taskAccuracy?.[1]).toBeCloseTo(0.5, 6);
    expect(trainer.calls).toHaveLength(3);
    expect(trainer.calls.filter((call) => call.parameters === placement.global)).toHaveLength(2);
  });

  it('scores a shared slot on every task it holds with its one adapter (FedIT)', async () => {
    const source: FeatureSet = { count: 0, featureSize: 1, numClasses: 2, features: new Float32Array(0), labels: new Int32Array(0) };
    const clients: FederatedClient[] = [
      { clientId: 0, slots: [{ clientId: 0, slot: 0, source, indices: new Uint32Array(0), tasks: [0, 1] }] },
      { clientId: 1, slots: [{ clientId: 1, slot: 0, source, indices: new Uint32Array(0), tasks: [1] }] },
    ];
    const evaluation = await evaluateTasks(scoringTrainer(), [task(0), task(1)], clients, placed(clients, Float32Array.of(0.5, 0.7), []));
    expect(evaluation.taskAccuracy).toEqual([0.5, expect.closeTo(0.7, 6)]);
    expect(evaluation.majorityAdapterTaskAccuracy).toEqual(evaluation.taskAccuracy);
    expect(evaluation.clustering).toBeUndefined();
  });

  it('reports only the accuracy and loss of a single task', async () => {
    const clients = perTaskClients([[0], [0]]);
    const placement = placed(clients, Float32Array.of(0.25), [{ parameters: Float32Array.of(0.75), slots: ['1/0'] }]);
    const evaluation = await evaluateTasks(scoringTrainer(), [task(0)], clients, placement);
    expect(evaluation).toEqual({ accuracy: 0.5, loss: 0.5 });
  });
});
