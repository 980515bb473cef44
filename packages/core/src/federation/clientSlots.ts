import type { FederatedClient, Federation } from './types.js';

/**
 * The clients of a federation cut into adapter slots: with `per-task`, one slot per task a client
 * holds (in task order); with `shared`, one slot holding all its tasks' images (FedIT). A client
 * holding no task (every share of it emptied by a Dirichlet partition's `dropBelow`) trains no slot.
 */
export function clientSlots(federation: Federation, taskSlots: 'per-task' | 'shared'): FederatedClient[] {
  return federation.clientTasks.map((tasks, clientId) => {
    if (tasks.length === 0) return { clientId, slots: [] };
    const perTask = tasks.map((task) => federation.shares.get(`${clientId}/${task}`) as Uint32Array);
    if (taskSlots === 'shared' || tasks.length === 1) {
      const all = perTask.length === 1 ? (perTask[0] as Uint32Array) : concatIndices(perTask);
      return { clientId, slots: [{ clientId, slot: 0, source: federation.pool, indices: all, tasks }] };
    }
    return {
      clientId,
      slots: tasks.map((task, slot) => ({ clientId, slot, source: federation.pool, indices: perTask[slot] as Uint32Array, tasks: [task] })),
    };
  });
}

function concatIndices(lists: readonly Uint32Array[]): Uint32Array {
  const out = new Uint32Array(lists.reduce((n, list) => n + list.length, 0));
  let offset = 0;
  for (const list of lists) {
    out.set(list, offset);
    offset += list.length;
  }
  return out;
}
