import { ConfigError } from '../errors.js';
import type { Experiment } from '../experiment/schema.js';
import type { RandomStream } from '../random/counterRandom.js';
import {
  assertIndicesInto,
  countClasses,
  groupByClass,
  sortedIndexArray,
  splitEvenly,
  type Labels,
} from './indexLists.js';

/** How the training images are spread over clients: the experiment file's `data.partition`. */
export type PartitionSpec = Experiment['data']['partition'];

/** What a Dirichlet partition does with small shares (`data.partition.smallShares`); absent: `redraw`. */
export type SmallShares = Extract<PartitionSpec, { kind: 'dirichlet' }>['smallShares'];

/** Draw rounds a Dirichlet partition may take to give every client enough images. */
export const DIRICHLET_MAX_ATTEMPTS = 1000;

/**
 * Spreads `indices` (into `labels`) over `numClients` clients; returns each client's indices,
 * ascending. Every index goes to exactly one client, except under `task-groups`, which uses only
 * the indices of the classes its groups list. Deterministic for a given `random` stream.
 *
 * - `iid`: a uniform shuffle cut into near-equal shares.
 * - `dirichlet`: label skew; each class is split by p ~ Dir(α·1_N).
 * - `dirichlet-quantity`: quantity skew; a shuffle of all images is cut by one p ~ Dir(α·1_N), so
 *   shares differ in size but not in label mix.
 *
 *   Under both, with `smallShares` `redraw` (or absent), draws repeat (further draws of the same
 *   stream) until every client holds at least max(1, min(10, ⌊n/(2N)⌋)) images. With
 *   `{ dropBelow: f }`, as FL-TAC's code splits each task, the one draw's shares below f are set to
 *   zero and the rest renormalised (all of them equal should every share fall below f): a client
 *   may get no image at all.
 * - `shards`: McMahan et al.'s split; each class is cut into near-equal single-class shards
 *   (N·classesPerClient in all) and each client is dealt classesPerClient of them at random, so it
 *   holds at most classesPerClient classes.
 * - `task-groups`: clients are split evenly over the groups (see {@link taskGroupClients}); each
 *   group's images are split IID over its clients.
 *
 * @throws ConfigError when the spec cannot be met: more clients than images, more shards than
 *   images, too few shards for the classes, more classes per client than there are, a class in two
 *   groups, no Dirichlet draw that feeds every client.
 */
export function partitionIndices(
  labels: Labels,
  indices: ArrayLike<number>,
  numClients: number,
  spec: PartitionSpec,
  random: RandomStream,
): Uint32Array[] {
  if (!Number.isInteger(numClients) || numClients < 1) {
    throw new ConfigError(`numClients must be a positive integer; got ${numClients}.`);
  }
  assertIndicesInto(labels, indices);
  const items = Array.from(indices);
  if (spec.kind === 'task-groups') return partitionTaskGroups(labels, items, numClients, spec.groups, random);
  if (items.length < numClients) {
    throw new ConfigError(
      `${numClients} clients cannot share ${items.length} images; use at most ${items.length} ` +
        'clients or more training data.',
    );
  }
  switch (spec.kind) {
    case 'iid':
      return partitionIid(items, numClients, random);
    case 'dirichlet':
      return partitionDirichlet(labels, items, numClients, spec, random);
    case 'dirichlet-quantity':
      return partitionDirichletQuantity(items, numClients, spec, random);
    case 'shards':
      return partitionShards(labels, items, numClients, spec.classesPerClient, random);
  }
}

/** Client ids of each task group: `numClients` clients cut into `numGroups` near-equal runs. */
export function taskGroupClients(numClients: number, numGroups: number): number[][] {
  return splitEvenly(
    Array.from({ length: numClients }, (_, i) => i),
    numGroups,
  );
}

/** One client's share, counted per class. */
export interface ClientClassHistogram {
  clientId: number;
  /** Number of images the client holds. */
  size: number;
  /** `classCounts[c]` images of class c, for every class of `labels`. */
  classCounts: number[];
}

/** Per-client class histograms of a partition, for logs and checks. */
export function describePartition(labels: Labels, shares: readonly Uint32Array[]): ClientClassHistogram[] {
  const numClasses = countClasses(labels);
  return shares.map((indices, clientId) => {
    const classCounts = new Array<number>(numClasses).fill(0);
    for (const index of indices) classCounts[labels[index]!]! += 1;
    return { clientId, size: indices.length, classCounts };
  });
}

function partitionIid(items: readonly number[], numClients: number, random: RandomStream): Uint32Array[] {
  return splitEvenly(random.shuffle(items), numClients).map(sortedIndexArray);
}

/** The fields of a Dirichlet partition. */
interface DirichletSpec {
  kind: 'dirichlet' | 'dirichlet-quantity';
  alpha: number;
  smallShares?: SmallShares;
}

function partitionDirichlet(
  labels: Labels,
  items: readonly number[],
  numClients: number,
  spec: DirichletSpec,
  random: RandomStream,
): Uint32Array[] {
  requirePositiveAlpha(spec);
  const classes = groupByClass(labels, items).map((members) => random.shuffle(members));
  return splitByDirichlet(spec, items.length, numClients, random, (draw) => {
    const cuts = classes.map((members) => cutPoints(draw(), members.length));
    return Array.from({ length: numClients }, (_, k) => classes.flatMap((members, c) => members.slice(cuts[c]![k], cuts[c]![k + 1])));
  });
}

function partitionDirichletQuantity(
  items: readonly number[],
  numClients: number,
  spec: DirichletSpec,
  random: RandomStream,
): Uint32Array[] {
  requirePositiveAlpha(spec);
  const shuffled = random.shuffle(items);
  return splitByDirichlet(spec, items.length, numClients, random, (draw) => {
    const bounds = cutPoints(draw(), shuffled.length);
    return Array.from({ length: numClients }, (_, k) => shuffled.slice(bounds[k], bounds[k + 1]));
  });
}

/**
 * Calls `split` (each client's images, given a function that draws client proportions) under the
 * spec's small-share rule: once with small shares dropped, or until a split feeds every client.
 */
function splitByDirichlet(
  spec: DirichletSpec,
  numImages: number,
  numClients: number,
  random: RandomStream,
  split: (draw: () => number[]) => number[][],
): Uint32Array[] {
  const draw = () => random.dirichlet(spec.alpha, numClients);
  const rule = spec.smallShares ?? 'redraw';
  if (rule !== 'redraw') return split(() => withoutSmallShares(draw(), rule.dropBelow)).map(sortedIndexArray);
  return redrawUntilEveryClientIsFed(spec, numImages, numClients, (minSize) => {
    const shares = split(draw);
    return shares.every((share) => share.length >= minSize) ? shares : undefined;
  });
}

/**
 * FL-TAC's rule for small shares: proportions below `below` become zero and the rest are
 * renormalised; if none is left, every client gets an equal share, as that code does.
 */
function withoutSmallShares(p: readonly number[], below: number): number[] {
  const kept = p.map((share) => (share < below ? 0 : share));
  const total = kept.reduce((a, b) => a + b, 0);
  return total === 0 ? p.map(() => 1 / p.length) : kept.map((share) => share / total);
}

function requirePositiveAlpha({ kind, alpha }: DirichletSpec): void {
  if (!(alpha > 0) || !Number.isFinite(alpha)) {
    throw new ConfigError(`${kind}: alpha must be a positive number; got ${alpha}.`);
  }
}

/**
 * Calls `draw` (one Dirichlet draw, returning each client's images or undefined when a client got
 * fewer than `minSize`) until a draw feeds every client, at most {@link DIRICHLET_MAX_ATTEMPTS} times.
 */
function redrawUntilEveryClientIsFed(
  { kind, alpha }: DirichletSpec,
  numImages: number,
  numClients: number,
  draw: (minSize: number) => number[][] | undefined,
): Uint32Array[] {
  const minSize = minimumShare(numImages, numClients);
  for (let attempt = 0; attempt < DIRICHLET_MAX_ATTEMPTS; attempt++) {
    const shares = draw(minSize);
    if (shares) return shares.map(sortedIndexArray);
  }
  throw new ConfigError(
    `${kind}: no split in ${DIRICHLET_MAX_ATTEMPTS} draws gave each of the ${numClients} clients ` +
      `at least ${minSize} of the ${numImages} images with alpha ${alpha}; raise alpha, use ` +
      'fewer clients, or let small shares go empty (smallShares: { "dropBelow": 0.01 }).',
  );
}

/** An empty client cannot train; ten images is the usual floor, relaxed for tiny data sets. */
function minimumShare(numImages: number, numClients: number): number {
  return Math.max(1, Math.min(10, Math.floor(numImages / (2 * numClients))));
}

/** Boundaries that cut `n` items in the proportions `p`: share k is [bounds[k], bounds[k+1]). */
function cutPoints(p: readonly number[], n: number): number[] {
  const bounds = [0];
  let cumulative = 0;
  for (let k = 0; k < p.length - 1; k++) {
    cumulative += p[k]!;
    bounds.push(Math.min(n, Math.floor(cumulative * n)));
  }
  bounds.push(n);
  return bounds;
}

function partitionShards(
  labels: Labels,
  items: readonly number[],
  numClients: number,
  classesPerClient: number,
  random: RandomStream,
): Uint32Array[] {
  if (!Number.isInteger(classesPerClient) || classesPerClient < 1) {
    throw new ConfigError(`shards: classesPerClient must be a positive integer; got ${classesPerClient}.`);
  }
  const classes = groupByClass(labels, items)
    .filter((members) => members.length > 0)
    .map((members) => members.sort((a, b) => a - b));
  // Past the class count, clients would be dealt several shards of one class: not what the setting says.
  if (classesPerClient > classes.length) {
    throw new ConfigError(
      `shards: classesPerClient ${classesPerClient} is more than the ${classes.length} classes of the training data; ` +
        `use at most ${classes.length}.`,
    );
  }
  const numShards = numClients * classesPerClient;
  if (numShards > items.length) {
    throw new ConfigError(
      `shards: ${numClients} clients × ${classesPerClient} classesPerClient = ${numShards} shards, ` +
        `more than the ${items.length} images; use fewer clients or a smaller classesPerClient.`,
    );
  }
  if (numShards < classes.length) {
    throw new ConfigError(
      `shards: ${numShards} shards cannot hold ${classes.length} classes without mixing classes in ` +
        'a shard; raise numClients or classesPerClient.',
    );
  }
  const counts = shardsPerClass(
    classes.map((members) => members.length),
    numShards,
  );
  const dealt = random.shuffle(classes.flatMap((members, c) => splitEvenly(members, counts[c]!)));
  return Array.from({ length: numClients }, (_, k) =>
    sortedIndexArray(dealt.slice(k * classesPerClient, (k + 1) * classesPerClient).flat()),
  );
}

/**
 * Shards per class, at least one each and summing to `numShards`: each further shard goes to the
 * class whose shards are largest so far (ties to the lower class), which keeps shard sizes even.
 * Needs classSizes.length ≤ numShards ≤ Σ classSizes.
 */
function shardsPerClass(classSizes: readonly number[], numShards: number): number[] {
  const counts = classSizes.map(() => 1);
  for (let s = classSizes.length; s < numShards; s++) {
    let best = -1;
    classSizes.forEach((size, c) => {
      if (counts[c]! >= size) return;
      if (best < 0 || size * counts[best]! > classSizes[best]! * counts[c]!) best = c;
    });
    counts[best]! += 1;
  }
  return counts;
}

function partitionTaskGroups(
  labels: Labels,
  items: readonly number[],
  numClients: number,
  groups: readonly (readonly number[])[],
  random: RandomStream,
): Uint32Array[] {
  if (groups.length === 0 || groups.some((classes) => classes.length === 0)) {
    throw new ConfigError('task-groups: list at least one group, each with at least one class.');
  }
  if (numClients < groups.length) {
    throw new ConfigError(
      `task-groups: ${groups.length} groups need at least ${groups.length} clients; got ${numClients}.`,
    );
  }
  const groupOfClass = new Map<number, number>();
  groups.forEach((classes, g) => {
    for (const c of classes) {
      const previous = groupOfClass.get(c);
      if (previous !== undefined && previous !== g) {
        throw new ConfigError(
          `task-groups: class ${c} is in groups ${previous} and ${g}; put each class in one group.`,
        );
      }
      groupOfClass.set(c, g);
    }
  });
  const members: number[][] = groups.map(() => []);
  for (const index of items) {
    const g = groupOfClass.get(labels[index]!);
    if (g !== undefined) members[g]!.push(index);
  }
  const shares: Uint32Array[] = [];
  taskGroupClients(numClients, groups.length).forEach((clients, g) => {
    const pool = members[g]!;
    if (pool.length < clients.length) {
      throw new ConfigError(
        `task-groups: group ${g} (classes ${groups[g]!.join(', ')}) has ${pool.length} images for ` +
          `its ${clients.length} clients; use fewer clients or more training data.`,
      );
    }
    partitionIid(pool, clients.length, random).forEach((share, i) => {
      shares[clients[i]!] = share;
    });
  });
  return shares;
}
