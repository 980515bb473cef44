import { DataError } from '../errors.js';
import { RandomStream, RandomStreams } from '../random/counterRandom.js';
import { allIndices, groupByClass } from './indexLists.js';
import { stratifiedSubset } from './splits.js';
import type { LabelledImages } from './types.js';

/**
 * The recipe of the embedded training subset: `perClass` images of every class, drawn with
 * {@link stratifiedSubset} from the stream `subset` of `seed`. The seed is Fashion-MNIST's arXiv
 * number, fixed once so the committed files can be regenerated exactly.
 */
export const EMBEDDED_SUBSET = { seed: 170807747, perClass: 1200 } as const;

/**
 * Indices (ascending, so the original order is kept) of the embedded subset within the full
 * Fashion-MNIST training set.
 *
 * @throws DataError when `train` does not hold enough images of every class, as a set other than
 *   the full training set may not.
 */
export function embeddedTrainIndices(train: LabelledImages): Uint32Array {
  const { seed, perClass } = EMBEDDED_SUBSET;
  const random = new RandomStream({ seed, round: 0, client: 0, stream: RandomStreams.subset });
  const picked = stratifiedSubset(train.labels, allIndices(train.count), perClass * train.numClasses, random);
  const perClassCounts = Array.from({ length: train.numClasses }, () => 0);
  groupByClass(train.labels, picked).forEach((members, c) => (perClassCounts[c] = members.length));
  const short = perClassCounts.findIndex((n) => n !== perClass);
  if (short >= 0) {
    throw new DataError(
      `the embedded subset needs ${perClass} training images of each class but the stratified ` +
        `draw gave class ${short} ${perClassCounts[short]}; build it from the full, balanced ` +
        "Fashion-MNIST training set (source 'system').",
    );
  }
  return picked;
}
