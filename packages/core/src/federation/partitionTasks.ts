import type { Labels } from '../data/indexLists.js';
import { partitionIndices } from '../data/partition.js';
import { clientsByTask } from '../data/taskAssignment.js';
import type { Experiment } from '../experiment/schema.js';
import { RandomStream, RandomStreams } from '../random/counterRandom.js';
import { sharedMemory } from '../data/sharedMemory.js';

/** One task's training examples as `partitionTasks` splits them. */
export interface TaskRows {
  /** What `data.partition` splits by (class labels, or a text's language). */
  labels: Labels;
  /** The task's examples that take part, as rows of its own set. */
  rows: Uint32Array;
  /** Where the task's set starts in the federation's pool. */
  offset: number;
}

/** The tasks' examples spread over the clients. */
export interface TaskPartition {
  /** Pool indices of each client's examples of each task it holds, keyed `client/task`. */
  shares: Map<string, Uint32Array>;
  /**
   * The tasks each client holds once partitioned: those it was assigned less any it got no example
   * of (a share a Dirichlet partition's `dropBelow` emptied), ascending.
   */
  clientTasks: number[][];
}

/**
 * Each task's examples partitioned over the clients assigned it (`assigned`) by `data.partition`.
 * Every share is a view into one `SharedArrayBuffer`: a client costs a view, not a buffer of its
 * own, and a share posted to a training worker is shared rather than copied.
 */
export function partitionTasks(
  experiment: Experiment,
  tasks: readonly TaskRows[],
  assigned: readonly (readonly number[])[],
): TaskPartition {
  const holders = clientsByTask(assigned, tasks.length);
  const partitions = tasks.map(({ labels, rows, offset }, task) => {
    // Task 0 keeps the single-task stream, so adding tasks never changes task 0's split.
    const stream = new RandomStream({ seed: experiment.seed, round: 0, client: task, stream: RandomStreams.partition });
    const clients = holders[task] as number[];
    return { clients, offset, shares: partitionIndices(labels, rows, clients.length, experiment.data.partition, stream) };
  });
  const total = partitions.reduce((n, { shares }) => shares.reduce((m, share) => m + share.length, n), 0);
  const all = new Uint32Array(sharedMemory(total * Uint32Array.BYTES_PER_ELEMENT));
  const indices = new Map<string, Uint32Array>();
  let at = 0;
  partitions.forEach(({ clients, offset, shares }, task) => {
    shares.forEach((share, i) => {
      if (share.length === 0) return;
      const view = all.subarray(at, at + share.length);
      for (let k = 0; k < share.length; k++) view[k] = (share[k] as number) + offset;
      indices.set(`${clients[i]}/${task}`, view);
      at += share.length;
    });
  });
  // A client keeps its assigned list (single-task runs share one list among all clients) unless a share went empty.
  const holds = (client: number) => (task: number) => indices.has(`${client}/${task}`);
  const clientTasks = assigned.map((held, client) => (held.every(holds(client)) ? (held as number[]) : held.filter(holds(client))));
  return { shares: indices, clientTasks };
}
