import { ConfigError } from '../errors.js';
import { RandomStream, RandomStreams } from '../random/counterRandom.js';

/**
 * The tasks of each client of an experiment: with one task every client holds it (one shared list,
 * which nothing mutates), otherwise {@link assignTasks} on the task-assignment stream of `seed`.
 */
export function clientTaskLists(
  numClients: number,
  numTasks: number,
  range: { min: number; max: number },
  seed: number,
): number[][] {
  if (numTasks === 1) {
    const onlyTask = [0];
    return Array.from({ length: numClients }, () => onlyTask);
  }
  const stream = new RandomStream({ seed, round: 0, client: 0, stream: RandomStreams.taskAssignment });
  return assignTasks(numClients, numTasks, range, stream);
}

/**
 * Which tasks each client holds: client i draws how many (uniform in [min, max]) and then which
 * (uniformly without replacement). A task nobody drew goes to the client holding fewest tasks
 * (lowest id on ties), so every task is trained somewhere. Each client's list is ascending.
 */
export function assignTasks(
  numClients: number,
  numTasks: number,
  range: { min: number; max: number },
  random: RandomStream,
): number[][] {
  if (range.max > numTasks) {
    throw new ConfigError(`data.tasksPerClient.max is ${range.max} but there are only ${numTasks} tasks; lower it`);
  }
  // Fewer clients than tasks is fine when each may hold several (one client holding every task).
  if (numClients * range.max < numTasks) {
    const needed = Math.ceil(numTasks / range.max);
    throw new ConfigError(
      `${numTasks} tasks need at least ${needed} clients holding up to ${range.max} each; data.numClients is ${numClients}`,
    );
  }
  const taskIds = Array.from({ length: numTasks }, (_, t) => t);
  const held = Array.from({ length: numClients }, () => {
    const count = range.min + random.int(range.max - range.min + 1);
    return random.shuffle(taskIds).slice(0, count);
  });
  for (const task of taskIds) {
    if (held.some((tasks) => tasks.includes(task))) continue;
    let fewest = 0;
    held.forEach((tasks, client) => {
      if (tasks.length < (held[fewest] as number[]).length) fewest = client;
    });
    (held[fewest] as number[]).push(task);
  }
  return held.map((tasks) => tasks.sort((a, b) => a - b));
}

/** The clients holding each task, ascending: the inverse of {@link assignTasks}. */
export function clientsByTask(held: readonly (readonly number[])[], numTasks: number): number[][] {
  const byTask = Array.from({ length: numTasks }, (): number[] => []);
  held.forEach((tasks, client) => tasks.forEach((task) => byTask[task]?.push(client)));
  return byTask;
}
