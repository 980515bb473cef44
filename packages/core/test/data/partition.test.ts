import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { describePartition, partitionIndices, taskGroupClients, type PartitionSpec, type SmallShares } from '../../src/data/partition.js';
import { ConfigError } from '../../src/errors.js';
import { RandomStream, RandomStreams } from '../../src/random/counterRandom.js';
import { interleavedLabels } from './fixtures.js';

const stream = (seed: number) => new RandomStream({ seed, round: 0, client: 0, stream: RandomStreams.partition });

/** Labels over classes 0–4 and an ascending subset of their indices to partition. */
const labelledIndices = fc
  .array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 200 })
  .chain((labels) => fc.tuple(fc.constant(labels), fc.subarray(Array.from(labels.keys()), { minLength: 1 })));

/** Sorted concatenation of all shares. */
const union = (shares: readonly Uint32Array[]) => shares.flatMap((share) => Array.from(share)).sort((a, b) => a - b);

const classesOf = (labels: readonly number[], share: Uint32Array) => new Set(Array.from(share, (i) => labels[i]));

function expectDisjointCover(shares: readonly Uint32Array[], indices: readonly number[]): void {
  expect(union(shares)).toEqual([...indices].sort((a, b) => a - b));
  for (const share of shares) expect(Array.from(share)).toEqual(Array.from(share).sort((a, b) => a - b));
}

/** Mean over clients of the largest single-class fraction of its images. */
function meanDominantShare(labels: readonly number[], shares: readonly Uint32Array[]): number {
  const fractions = describePartition(labels, shares).map((h) => Math.max(...h.classCounts) / h.size);
  return fractions.reduce((a, b) => a + b, 0) / fractions.length;
}

describe('iid', () => {
  test.prop([labelledIndices, fc.integer({ min: 1, max: 12 }), fc.nat()])(
    'covers every index once with shares differing by at most one',
    ([labels, indices], numClients, seed) => {
      fc.pre(numClients <= indices.length);
      const shares = partitionIndices(labels, indices, numClients, { kind: 'iid' }, stream(seed));
      expect(shares).toHaveLength(numClients);
      expectDisjointCover(shares, indices);
      const sizes = shares.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(partitionIndices(labels, indices, numClients, { kind: 'iid' }, stream(seed))).toEqual(shares);
    },
  );

  it('refuses more clients than images, and a client count that is not a positive integer', () => {
    expect(() => partitionIndices([0, 1], [0, 1], 3, { kind: 'iid' }, stream(0))).toThrow(
      /3 clients cannot share 2 images/,
    );
    expect(() => partitionIndices([0, 1], [0, 1], 0, { kind: 'iid' }, stream(0))).toThrow(ConfigError);
  });

  it('refuses repeated or foreign indices', () => {
    expect(() => partitionIndices([0, 1], [1, 1], 1, { kind: 'iid' }, stream(0))).toThrow(/appears twice/);
    expect(() => partitionIndices([0, 1], [2], 1, { kind: 'iid' }, stream(0))).toThrow(/outside the 2 labels/);
  });
});

describe('dirichlet', () => {
  /** Labelled indices with at least ten images per client. */
  const dirichletCases = fc
    .array(fc.integer({ min: 0, max: 4 }), { minLength: 10, maxLength: 200 })
    .chain((labels) =>
      fc.subarray(Array.from(labels.keys()), { minLength: 10 }).map((indices) => ({ labels, indices })),
    )
    .chain(({ labels, indices }) =>
      fc.tuple(
        fc.constant(labels),
        fc.constant(indices),
        fc.integer({ min: 1, max: Math.min(8, Math.floor(indices.length / 10)) }),
      ),
    );

  test.prop([dirichletCases, fc.constantFrom(0.5, 1, 10, 100), fc.nat()])(
    'covers every index once and feeds every client',
    ([labels, indices, numClients], alpha, seed) => {
      const shares = partitionIndices(labels, indices, numClients, { kind: 'dirichlet', alpha }, stream(seed));
      expectDisjointCover(shares, indices);
      const minSize = Math.max(1, Math.min(10, Math.floor(indices.length / (2 * numClients))));
      for (const share of shares) expect(share.length).toBeGreaterThanOrEqual(minSize);
    },
  );

  it('skews labels for small alpha and barely for large alpha', () => {
    const labels = interleavedLabels(10, 100);
    const all = labels.map((_, i) => i);
    const split = (alpha: number) => partitionIndices(labels, all, 10, { kind: 'dirichlet', alpha }, stream(7));
    // IID shares of 10 balanced classes have a dominant share near 0.1
    expect(meanDominantShare(labels, split(0.1))).toBeGreaterThan(0.5);
    expect(meanDominantShare(labels, split(1000))).toBeLessThan(0.2);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const labels = interleavedLabels(4, 50);
    const all = labels.map((_, i) => i);
    const split = (seed: number) => partitionIndices(labels, all, 5, { kind: 'dirichlet', alpha: 0.3 }, stream(seed));
    expect(split(3)).toEqual(split(3));
    expect(split(3)).not.toEqual(split(4));
  });

  it('gives up with advice when no draw feeds every client', () => {
    // one class and alpha 0.01: nearly every draw hands (almost) all images to one client
    const labels = new Array<number>(20).fill(0);
    const all = labels.map((_, i) => i);
    expect(() => partitionIndices(labels, all, 10, { kind: 'dirichlet', alpha: 0.01 }, stream(0))).toThrow(
      /no split in 1000 draws gave each of the 10 clients at least 1 .*raise alpha/,
    );
  });
});

describe('dirichlet-quantity', () => {
  /**
   * An image count with at least 40 images per client: one Dirichlet draw must feed every client,
   * which fewer images per client make too rare for the draw limit at alpha 0.5.
   */
  const quantityCases = fc
    .integer({ min: 40, max: 400 })
    .chain((numImages) => fc.tuple(fc.constant(numImages), fc.integer({ min: 1, max: Math.min(8, Math.floor(numImages / 40)) })));

  test.prop([quantityCases, fc.constantFrom(0.5, 1, 10), fc.nat()])(
    'covers every index once and feeds every client',
    ([numImages, numClients], alpha, seed) => {
      const labels = Array.from({ length: numImages }, (_, i) => i % 3);
      const all = labels.map((_, i) => i);
      const shares = partitionIndices(labels, all, numClients, { kind: 'dirichlet-quantity', alpha }, stream(seed));
      expectDisjointCover(shares, all);
      const minSize = Math.max(1, Math.min(10, Math.floor(numImages / (2 * numClients))));
      for (const share of shares) expect(share.length).toBeGreaterThanOrEqual(minSize);
    },
  );

  it('skews share sizes for small alpha but keeps each share\'s label mix', () => {
    const labels = interleavedLabels(10, 200);
    const all = labels.map((_, i) => i);
    const split = (alpha: number) => partitionIndices(labels, all, 10, { kind: 'dirichlet-quantity', alpha }, stream(7));
    const sizes = (shares: Uint32Array[]) => shares.map((share) => share.length);
    expect(Math.max(...sizes(split(0.5)))).toBeGreaterThan(3 * Math.min(...sizes(split(0.5))));
    expect(Math.max(...sizes(split(1000)))).toBeLessThan(1.5 * Math.min(...sizes(split(1000))));
    // Shares of 100+ images drawn IID from 10 balanced classes: no class near a third of a share.
    const large = split(0.5).filter((share) => share.length >= 100);
    expect(large.length).toBeGreaterThan(0);
    expect(meanDominantShare(labels, large)).toBeLessThan(0.2);
    const labelSkewed = partitionIndices(labels, all, 10, { kind: 'dirichlet', alpha: 0.5 }, stream(7));
    expect(meanDominantShare(labels, labelSkewed)).toBeGreaterThan(0.3);
  });

  it('is deterministic for a seed, and gives up with advice when no draw feeds every client', () => {
    const labels = interleavedLabels(4, 50);
    const all = labels.map((_, i) => i);
    const split = (seed: number) => partitionIndices(labels, all, 5, { kind: 'dirichlet-quantity', alpha: 0.3 }, stream(seed));
    expect(split(3)).toEqual(split(3));
    expect(split(3)).not.toEqual(split(4));
    const twenty = Array.from({ length: 20 }, (_, i) => i);
    expect(() => partitionIndices(twenty, twenty, 10, { kind: 'dirichlet-quantity', alpha: 0.01 }, stream(0))).toThrow(
      /dirichlet-quantity: no split in 1000 draws gave each of the 10 clients at least 1 .*raise alpha/,
    );
  });
});

describe('small shares', () => {
  const all = Array.from({ length: 200 }, (_, i) => i);
  const labels = all.map((i) => i % 4);
  const quantity = (alpha: number, smallShares?: SmallShares) =>
    partitionIndices(labels, all, 8, { kind: 'dirichlet-quantity', alpha, ...(smallShares ? { smallShares } : {}) }, stream(0));

  it('drops shares below dropBelow and splits the rest in renormalised proportions, as FL-TAC\'s code does', () => {
    // The draw the partition makes: the shuffle of the images, then one p ~ Dir(0.3·1_8).
    const replay = stream(0);
    const shuffled = replay.shuffle(all);
    const p = replay.dirichlet(0.3, 8);
    const dropped = p.flatMap((share, k) => (share < 0.01 ? [k] : []));
    expect(dropped).toEqual([1, 3]);
    const kept = p.map((share) => (share < 0.01 ? 0 : share));
    const total = kept.reduce((a, b) => a + b, 0);
    let cumulative = 0;
    const bounds = [0, ...kept.slice(0, -1).map((share) => Math.floor(((cumulative += share) / total) * 200)), 200];

    const shares = quantity(0.3, { dropBelow: 0.01 });
    expect(shares.map((share) => share.length)).toEqual(bounds.slice(1).map((end, k) => end - (bounds[k] as number)));
    expect(shares[1]).toHaveLength(0);
    expect(shares[3]).toHaveLength(0);
    expect(Array.from(shares[0] as Uint32Array)).toEqual(shuffled.slice(0, bounds[1]).sort((a, b) => a - b));
    expectDisjointCover(shares, all);
  });

  it('redraws until every client is fed when absent or redraw, the default', () => {
    const redrawn = quantity(1);
    expect(quantity(1, 'redraw')).toEqual(redrawn);
    for (const share of redrawn) expect(share.length).toBeGreaterThanOrEqual(10);
  });

  it('gives every client an equal share when every share falls below dropBelow', () => {
    const shares = partitionIndices(labels, all, 8, { kind: 'dirichlet-quantity', alpha: 100, smallShares: { dropBelow: 0.9 } }, stream(0));
    expect(shares.map((share) => share.length)).toEqual(Array(8).fill(25));
  });

  it('drops small shares of each class under label skew', () => {
    const spec = { kind: 'dirichlet', alpha: 0.05, smallShares: { dropBelow: 0.01 } } as const;
    const shares = partitionIndices(labels, all, 8, spec, stream(2));
    expectDisjointCover(shares, all);
    // At alpha 0.05 most of a class goes to one or two clients: some client gets no image of a class.
    const histograms = describePartition(labels, shares);
    expect(histograms.some(({ classCounts }) => classCounts.includes(0))).toBe(true);
    expect(partitionIndices(labels, all, 8, spec, stream(2))).toEqual(shares);
  });
});

describe('shards', () => {
  test.prop([labelledIndices, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 4 }), fc.nat()])(
    'covers every index once with at most classesPerClient classes per client',
    ([labels, indices], numClients, classesPerClient, seed) => {
      const spec: PartitionSpec = { kind: 'shards', classesPerClient };
      const classesPresent = new Set(indices.map((i) => labels[i])).size;
      const numShards = numClients * classesPerClient;
      const feasible = numShards <= indices.length && numShards >= classesPresent && classesPerClient <= classesPresent;
      const run = () => partitionIndices(labels, indices, numClients, spec, stream(seed));
      if (!feasible) {
        expect(run).toThrow(ConfigError);
        return;
      }
      const shares = run();
      expectDisjointCover(shares, indices);
      for (const share of shares) {
        expect(share.length).toBeGreaterThan(0);
        expect(classesOf(labels, share).size).toBeLessThanOrEqual(classesPerClient);
      }
    },
  );

  it("reproduces McMahan's split on balanced classes", () => {
    // 10 classes × 60 images, 10 clients × 2 shards: 20 single-class shards of 30 images
    const labels = interleavedLabels(10, 60);
    const all = labels.map((_, i) => i);
    const shares = partitionIndices(labels, all, 10, { kind: 'shards', classesPerClient: 2 }, stream(5));
    for (const { size, classCounts } of describePartition(labels, shares)) {
      expect(size).toBe(60);
      expect(classCounts.filter((n) => n > 0).every((n) => n === 30 || n === 60)).toBe(true);
    }
  });

  it('refuses too many or too few shards', () => {
    const labels = interleavedLabels(3, 2);
    const all = labels.map((_, i) => i);
    expect(() => partitionIndices(labels, all, 4, { kind: 'shards', classesPerClient: 2 }, stream(0))).toThrow(
      /8 shards, more than the 6 images/,
    );
    expect(() => partitionIndices(labels, all, 2, { kind: 'shards', classesPerClient: 1 }, stream(0))).toThrow(
      /2 shards cannot hold 3 classes/,
    );
  });
});

describe('task-groups', () => {
  it('assigns clients to groups in even contiguous runs', () => {
    expect(taskGroupClients(5, 2)).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
  });

  test.prop([fc.integer({ min: 2, max: 9 }), fc.nat()])(
    "keeps each client inside its group's classes and leaves unlisted classes out",
    (numClients, seed) => {
      const labels = interleavedLabels(5, 20);
      const all = labels.map((_, i) => i);
      const groups = [[0, 1], [3]];
      const shares = partitionIndices(labels, all, numClients, { kind: 'task-groups', groups }, stream(seed));
      expectDisjointCover(
        shares,
        all.filter((i) => labels[i] !== 2 && labels[i] !== 4),
      );
      taskGroupClients(numClients, groups.length).forEach((clients, g) => {
        const sizes = clients.map((k) => shares[k]!.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        for (const k of clients) {
          for (const c of classesOf(labels, shares[k]!)) expect(groups[g]).toContain(c);
        }
      });
    },
  );

  it('refuses overlapping groups, too few clients and starved groups', () => {
    const labels = interleavedLabels(3, 4);
    const all = labels.map((_, i) => i);
    const run = (groups: number[][], numClients: number) =>
      partitionIndices(labels, all, numClients, { kind: 'task-groups', groups }, stream(0));
    expect(() =>
      run(
        [
          [0, 1],
          [1, 2],
        ],
        2,
      ),
    ).toThrow(/class 1 is in groups 0 and 1/);
    expect(() => run([[0], [1], [2]], 2)).toThrow(/3 groups need at least 3 clients/);
    expect(() => run([[0], [7]], 2)).toThrow(/group 1 \(classes 7\) has 0 images for its 1 clients/);
  });
});

describe('describePartition', () => {
  it('counts each client’s images per class', () => {
    const labels = [0, 2, 2, 1, 0];
    expect(describePartition(labels, [Uint32Array.of(0, 1, 2), Uint32Array.of(3)])).toEqual([
      { clientId: 0, size: 3, classCounts: [1, 0, 2] },
      { clientId: 1, size: 1, classCounts: [0, 1, 0] },
    ]);
  });
});
