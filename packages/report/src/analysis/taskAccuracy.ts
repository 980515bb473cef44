import type { RunRecord } from '../read/types.js';
import { statisticOfSome, type Statistic } from './statistics.js';
import { taskNames } from './taskNames.js';

/** One task's accuracy at the last evaluation, over a group's runs. */
export interface TaskAccuracy {
  /** The task's name in the experiment (`data.tasks`), or `task <n>`. */
  task: string;
  accuracy: Statistic;
}

/**
 * Per-task final accuracy of a group, in task order; `perRun[i]` is `runs[i]`'s accuracy per task
 * (null for a run that reports none).
 */
export function groupTaskAccuracy(runs: readonly RunRecord[], perRun: readonly (readonly number[] | null)[]): TaskAccuracy[] {
  const byTask = new Map<string, number[]>();
  runs.forEach((run, index) => {
    const accuracies = perRun[index] ?? [];
    taskNames(run.experiment, accuracies.length).forEach((task, t) => {
      byTask.set(task, [...(byTask.get(task) ?? []), accuracies[t] as number]);
    });
  });
  return [...byTask].map(([task, values]) => ({ task, accuracy: statisticOfSome(values) }));
}
