import { ConfigError } from '../errors.js';
import type { RandomStream } from '../random/counterRandom.js';
import {
  allIndices,
  assertIndicesInto,
  groupByClass,
  sampleWithoutReplacement,
  sortedIndexArray,
  type Labels,
} from './indexLists.js';

/** Disjoint index lists of one set: what the base pre-trains on and what the federation fine-tunes on. */
export interface UpstreamDownstreamSplit {
  /** Images of the upstream classes that the base is pre-trained on, ascending. */
  upstream: Uint32Array;
  /** Images of every class that the base never sees, ascending. */
  downstream: Uint32Array;
}

/**
 * Splits a set into an upstream and a downstream pool. Within each upstream class, images alternate
 * by index order between the pools (the first to upstream), so the pools are disjoint and
 * stratified; every image of the other classes is downstream, since the base never trains on them.
 * Fine-tuning thus meets new classes and unseen images of old ones.
 *
 * @throws ConfigError when `upstreamClasses` is empty or names a class absent from `labels`.
 */
export function splitUpstreamDownstream(labels: Labels, upstreamClasses: readonly number[]): UpstreamDownstreamSplit {
  const byClass = groupByClass(labels, allIndices(labels.length));
  if (upstreamClasses.length === 0) {
    throw new ConfigError('upstreamClasses is empty; list at least one class to pre-train the base on.');
  }
  for (const c of upstreamClasses) {
    if ((byClass[c]?.length ?? 0) === 0) {
      throw new ConfigError(
        `upstream class ${c} does not occur in the labels (classes 0–${byClass.length - 1}); ` +
          'list only classes the dataset has.',
      );
    }
  }
  const isUpstream = new Set(upstreamClasses);
  const upstream: number[] = [];
  const downstream: number[] = [];
  byClass.forEach((members, c) => {
    members.forEach((index, rank) => {
      if (isUpstream.has(c) && rank % 2 === 0) upstream.push(index);
      else downstream.push(index);
    });
  });
  return { upstream: sortedIndexArray(upstream), downstream: sortedIndexArray(downstream) };
}

/**
 * A deterministic stratified sample of `total` of `indices`, kept in their original order. Each
 * class gets its proportional share (largest remainders, ties to the lower class) and its images
 * are drawn uniformly from `random`. When `total` covers every index, all are returned.
 *
 * @throws ConfigError when `total` is not a positive integer.
 */
export function stratifiedSubset(
  labels: Labels,
  indices: ArrayLike<number>,
  total: number,
  random: RandomStream,
): Uint32Array {
  if (!Number.isInteger(total) || total < 1) {
    throw new ConfigError(`a subset size must be a positive integer; got ${total}.`);
  }
  assertIndicesInto(labels, indices);
  if (total >= indices.length) return Uint32Array.from(indices);
  const groups = groupByClass(labels, indices);
  const quotas = apportion(
    groups.map((members) => members.length),
    total,
  );
  const chosen = new Uint8Array(labels.length);
  groups.forEach((members, c) => {
    for (const index of sampleWithoutReplacement(members, quotas[c]!, random)) chosen[index] = 1;
  });
  const subset: number[] = [];
  for (let i = 0; i < indices.length; i++) {
    if (chosen[indices[i]!] === 1) subset.push(indices[i]!);
  }
  return Uint32Array.from(subset);
}

/**
 * Splits `total` into integer shares proportional to `weights` by largest remainders (Hamilton's
 * method), ties going to the lower position, so the shares sum exactly to `total`.
 */
function apportion(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (sum > 0 ? (total * w) / sum : 0));
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((q, i) => ({ i, remainder: q - Math.floor(q) }))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    shares[i]! += 1;
    left--;
  }
  return shares;
}
