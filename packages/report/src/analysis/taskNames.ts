import type { ResolvedExperiment } from '../read/types.js';

/**
 * The names of a run's `count` tasks, in the ledger's task order: `data.tasks[i].name` where the
 * experiment names its tasks, `task <i + 1>` where it does not (text datasets that fix their tasks).
 */
export function taskNames(experiment: ResolvedExperiment, count: number): string[] {
  const tasks = isRecord(experiment['data']) ? experiment['data']['tasks'] : undefined;
  return Array.from({ length: count }, (_, index) => {
    const task: unknown = Array.isArray(tasks) ? tasks[index] : undefined;
    const name = isRecord(task) ? task['name'] : undefined;
    return typeof name === 'string' && name !== '' ? name : `task ${index + 1}`;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
