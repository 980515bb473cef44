import type { FederatedClient } from '../federation/types.js';
import type { SlotPlacement } from './slotPlacement.js';

/** The clients of one task that hold one set of parameters for it. */
export interface HolderGroup {
  /** The slot group whose parameters they hold, as {@link SlotPlacement.groupOf} numbers it. */
  group: number;
  /** How many of the task's clients hold them. */
  clients: number;
}

/** Who holds which parameters for one task. */
export interface TaskHolders {
  /** Each distinct set of parameters the task's clients hold, in order of the first client holding it. */
  holders: HolderGroup[];
  /** The group most of the task's clients hold; ties go to the group met first. */
  majority: number;
}

/**
 * For every task, the parameters each client holding it trains that task with: the parameters of
 * the slot that holds the task's images (its own slot with per-task slots, the client's one shared
 * slot otherwise), counted once per client. Clients holding the same slot group share one entry,
 * so evaluating each entry once and weighting it by its clients gives the client average.
 * @throws Error when some task has no client: every federation gives each task one.
 */
export function taskHolders(clients: readonly FederatedClient[], placement: SlotPlacement, numTasks: number): TaskHolders[] {
  const counts = Array.from({ length: numTasks }, () => new Map<number, number>());
  for (const client of clients) {
    for (const slot of client.slots) {
      const group = placement.groupOf(slot.clientId, slot.slot ?? 0);
      for (const task of slot.tasks ?? [0]) {
        const byGroup = counts[task];
        if (byGroup === undefined) throw new Error(`client ${slot.clientId} holds task ${task}, but there are ${numTasks} tasks`);
        byGroup.set(group, (byGroup.get(group) ?? 0) + 1);
      }
    }
  }
  return counts.map((byGroup, task) => {
    const holders = [...byGroup].map(([group, count]) => ({ group, clients: count }));
    const [first] = holders;
    if (first === undefined) throw new Error(`no client holds task ${task}`);
    const majority = holders.reduce((best, entry) => (entry.clients > best.clients ? entry : best), first).group;
    return { holders, majority };
  });
}
