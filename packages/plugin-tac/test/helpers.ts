import { type Backend, createFedtuneContainer, RandomStream, resolveNamed } from '@fedtune/core';

/** Core's reference backend, taken the way a run takes it. */
export const backend: Backend = resolveNamed(createFedtuneContainer(), 'backend', 'reference').create({}, { seed: 0, numClients: 1 });

/** A fresh seeding stream on this plugin's k-means stream. */
export const seeding = (seed = 1, round = 0) => new RandomStream({ seed, round, client: 0, stream: 1000 });

/** Pairwise squared distances of row vectors, through the backend's kernel. */
export function squaredDistances(points: readonly (readonly number[])[]): Float32Array {
  const dimension = points[0]?.length ?? 0;
  return backend.pairwiseSquaredEuclidean(Float32Array.from(points.flat()), points.length, dimension);
}

/** Labels renumbered by first appearance, so two partitions compare whatever their cluster ids. */
export function canonical(labels: readonly number[]): number[] {
  const ids = new Map<number, number>();
  return labels.map((label) => {
    if (!ids.has(label)) ids.set(label, ids.size);
    return ids.get(label) as number;
  });
}
