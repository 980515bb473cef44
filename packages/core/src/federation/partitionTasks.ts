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

/**
 * Each task's examples partitioned over the clients holding it by `data.partition`, as pool
 * indices keyed `client/task`. Every share is a view into one `SharedArrayBuffer`: a client costs
 * a view, not a buffer of its own, and a share posted to a training worker is shared rather than
 * copied.
 */
export function partitionTasks(
  experiment: Experiment,
  tasks: readonly TaskRows[],
  clientTasks: readonly (readonly number[])[],
): Map<string, Uint32Array> {
  const holders = clientsByTask(clientTasks, tasks.length);
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
      const view = all.subarray(at, at + share.length);
      for (let k = 0; k < share.length; k++) view[k] = (share[k] as number) + offset;
      indices.set(`${clients[i]}/${task}`, view);
      at += share.length;
    });
  });
  return indices;
}
