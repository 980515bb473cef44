// @ts-check
/**
 * Whether a valid experiment is small enough to train in a fuzz case. A mutation can turn a small
 * experiment into a valid large one (100 000 rounds, a million clients): that is a long run, not a
 * hostile input, and such cases are skipped rather than run.
 */
import { expandRuns } from '@fedtune/core';

/**
 * @param {import('@fedtune/core').Experiment} experiment
 */
export function isQuickToRun(experiment) {
  const { data } = experiment;
  const quickData =
    data.dataset === 'fashion-mnist' &&
    data.numClients <= 4 &&
    (data.trainLimit ?? Infinity) <= 300 &&
    (data.testLimit ?? Infinity) <= 200 &&
    (data.tasks?.length ?? 1) <= 2;
  const runs = expandRuns(experiment);
  return quickData && runs.length <= 2 && runs.every(({ experiment: run }) => isQuickRun(run));
}

/**
 * @param {import('@fedtune/core').Experiment} run
 */
function isQuickRun({ training, adapter }) {
  return (
    training.rounds <= 3 &&
    training.localEpochs <= 2 &&
    (training.localSteps ?? 0) <= 20 &&
    training.batchSize >= 8 &&
    adapter.rank <= 16
  );
}
