import { stratifiedSubset } from '../data/splits.js';
import type { Experiment } from '../experiment/schema.js';
import type { FederationTask } from '../federation/types.js';
import { RandomStream, RandomStreams } from '../random/counterRandom.js';

/** The experiment's `evaluation` section: which rounds evaluate, and on how many test examples. */
export type EvaluationSchedule = Experiment['evaluation'];

/**
 * Whether round `round` (counting from 0) of a run of `rounds` evaluates: rounds `every`, 2·`every`,
 * … counting from 1, and always the last, so every run ends with a figure. A function of the round
 * alone, so a resumed run evaluates the rounds an uninterrupted one would.
 */
export function evaluatesRound(round: number, rounds: number, every: number): boolean {
  return (round + 1) % every === 0 || round === rounds - 1;
}

/**
 * The tasks as rounds before the last evaluate them: each task's test examples cut to a stratified
 * subset of at most `testLimit`, drawn from the seed (one stream per task), so every round and every
 * resumed run scores the same examples. Returns `tasks` itself when no task has more than
 * `testLimit` examples (or `testLimit` is undefined): then every round evaluates the full set.
 */
export function interimTestTasks(
  tasks: readonly FederationTask[],
  testLimit: number | undefined,
  seed: number,
): readonly FederationTask[] {
  if (testLimit === undefined || tasks.every((task) => testExampleCount(task) <= testLimit)) return tasks;
  return tasks.map((task, index) => {
    if (testExampleCount(task) <= testLimit) return task;
    const rows = task.testIndices ?? Uint32Array.from({ length: task.test.count }, (_, i) => i);
    const stream = new RandomStream({ seed, round: 0, client: index, stream: RandomStreams.evaluationSubset });
    return { ...task, testIndices: stratifiedSubset(task.test.labels, rows, testLimit, stream) };
  });
}

/** Test examples an evaluation of `tasks` scores, summed over the tasks. */
export function testExamplesOf(tasks: readonly FederationTask[]): number {
  return tasks.reduce((sum, task) => sum + testExampleCount(task), 0);
}

function testExampleCount(task: FederationTask): number {
  return task.testIndices?.length ?? task.test.count;
}
