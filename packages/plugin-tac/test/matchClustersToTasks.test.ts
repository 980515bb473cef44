import { clusteringAccuracy } from '@fedtune/core';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { matchClustersToTasks } from '../src/matchClustersToTasks.js';

describe('matchClustersToTasks', () => {
  it('takes the matching with most agreement where greedy matching would not', () => {
    // Cluster 0 holds tasks 0,0,0,1,1; cluster 1 holds tasks 0,0. Greedy pairs cluster 0 with task 0
    // (3 agree) and leaves cluster 1 with task 1 (0 agree); the best pairs 0→1 and 1→0 (2 + 2 agree).
    const clusters = [0, 0, 0, 0, 0, 1, 1];
    const tasks = [0, 0, 0, 1, 1, 0, 0];
    expect(matchClustersToTasks(clusters, tasks)).toEqual([1, 0]);
    expect(clusteringAccuracy(clusters, tasks)).toBeCloseTo(4 / 7, 12);
  });

  it('leaves extra clusters unmatched (−1) and matches clusters to the tasks they hold', () => {
    expect(matchClustersToTasks([2, 2, 0, 1, 1], [0, 0, 1, 1, 1])).toEqual([-1, 1, 0]);
    expect(matchClustersToTasks([0, 0, 0], [2, 2, 1])).toEqual([2]);
    expect(matchClustersToTasks([], [])).toEqual([]);
    expect(() => matchClustersToTasks([0], [])).toThrow(/1 cluster ids but 0 task ids/);
  });

  test.prop([fc.array(fc.tuple(fc.nat(3), fc.nat(3)), { minLength: 1, maxLength: 30 })])(
    'agrees on as many items as core\'s clustering accuracy counts, using each task at most once',
    (pairs) => {
      const clusters = pairs.map(([c]) => c);
      const tasks = pairs.map(([, t]) => t);
      const match = matchClustersToTasks(clusters, tasks);
      const agreeing = clusters.filter((c, i) => match[c] === tasks[i]).length;
      expect(agreeing / clusters.length).toBeCloseTo(clusteringAccuracy(clusters, tasks), 12);
      const used = match.filter((t) => t >= 0);
      expect(new Set(used).size).toBe(used.length);
    },
  );
});
