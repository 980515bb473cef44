import { assignTasks, RandomStream, RandomStreams } from '@fedtune/core';

/**
 * Which tasks each client holds, exactly as core's federation draws them for an experiment's seed,
 * client count, task count and `data.tasksPerClient` (the same function on the same random stream).
 * With per-task slots, client i's slot s trains task `result[i][s]`. The server never learns this
 * through the protocol: only the oracle baseline and the plots use it, and the engine's own
 * clustering accuracy (1 for the oracle) checks that it matches.
 */
export function trueClientTasks(
  seed: number,
  numClients: number,
  numTasks: number,
  tasksPerClient: { min: number; max: number },
): number[][] {
  // A single-task federation draws nothing: every client holds task 0.
  if (numTasks === 1) return Array.from({ length: numClients }, () => [0]);
  const stream = new RandomStream({ seed, round: 0, client: 0, stream: RandomStreams.taskAssignment });
  return assignTasks(numClients, numTasks, tasksPerClient, stream);
}
