import { stratifiedSubset } from '../data/splits.js';
import type { Labels } from '../data/indexLists.js';
import type { Experiment } from '../experiment/schema.js';
import { RandomStream, RandomStreams } from '../random/counterRandom.js';

/**
 * `data.trainLimit` and `data.testLimit` applied, as stratified subsets drawn from the experiment's
 * seed: the training rows kept, and the test rows to evaluate on (`undefined`: every test example).
 * Images and text federations share it, so a limit means the same draw on either.
 */
export function applyDataLimits(
  experiment: Experiment,
  train: { labels: Labels; rows: Uint32Array },
  test: { labels: Labels; count: number },
): { trainRows: Uint32Array; testIndices: Uint32Array | undefined } {
  const { data, seed } = experiment;
  let trainRows = train.rows;
  if (data.trainLimit !== undefined && data.trainLimit < trainRows.length) {
    const stream = new RandomStream({ seed, round: 0, client: 0, stream: RandomStreams.subset });
    trainRows = stratifiedSubset(train.labels, trainRows, data.trainLimit, stream);
  }
  let testIndices: Uint32Array | undefined;
  if (data.testLimit !== undefined && data.testLimit < test.count) {
    const stream = new RandomStream({ seed, round: 0, client: 1, stream: RandomStreams.subset });
    const all = Uint32Array.from({ length: test.count }, (_, i) => i);
    testIndices = stratifiedSubset(test.labels, all, data.testLimit, stream);
  }
  return { trainRows, testIndices };
}
