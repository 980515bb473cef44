import { describe, expect, it } from 'vitest';
import type { FeatureSet } from '../../src/data/types.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { clientSlots } from '../../src/federation/clientSlots.js';
import { partitionTasks } from '../../src/federation/partitionTasks.js';
import type { Federation } from '../../src/federation/types.js';

const rows = Uint32Array.from({ length: 200 }, (_, i) => i);
const labels = Array.from(rows, (i) => i % 4);
const tasks = [
  { labels, rows, offset: 0 },
  { labels, rows, offset: 200 },
];

/** Eight clients and two tasks of 200 images each, split by quantity skew at alpha 0.3 (seed 0). */
function experiment(smallShares?: object) {
  return parseExperiment({
    data: {
      numClients: 8,
      partition: { kind: 'dirichlet-quantity', alpha: 0.3, ...(smallShares ? { smallShares } : {}) },
      tasks: [{ name: 'classes' }, { name: 'rotated', rotate: 90 }],
      tasksPerClient: { min: 1, max: 2 },
    },
    training: { rounds: 1 },
  });
}

// Client 1 is assigned task 0 alone; the others hold both.
const assigned = [[0, 1], [0], [0, 1], [0, 1], [0, 1], [0, 1], [0, 1], [0, 1]];

describe('partitionTasks with small shares dropped', () => {
  // Task 0's draw (seed 0) gives clients 1 and 3 under 1% of its images (see partition.test.ts).
  const { shares, clientTasks } = partitionTasks(experiment({ dropBelow: 0.01 }), tasks, assigned);

  it('takes a task from a client whose share of it is empty, and keeps the others\' tasks', () => {
    expect(shares.has('1/0')).toBe(false);
    expect(shares.has('3/0')).toBe(false);
    expect(clientTasks[1]).toEqual([]);
    expect(clientTasks[3]).not.toContain(0);
    for (const [client, held] of clientTasks.entries()) {
      for (const task of held) expect(shares.get(`${client}/${task}`)?.length).toBeGreaterThan(0);
    }
    const task0 = [...shares].filter(([key]) => key.endsWith('/0')).flatMap(([, share]) => Array.from(share));
    expect(task0.sort((a, b) => a - b)).toEqual(Array.from(rows));
  });

  it('leaves a client holding no task without adapter slots, per task or shared', () => {
    const federation = { clientTasks, shares, pool: {} as FeatureSet } as unknown as Federation;
    for (const taskSlots of ['per-task', 'shared'] as const) {
      const clients = clientSlots(federation, taskSlots);
      expect(clients[1]?.slots).toEqual([]);
      expect(clients[0]?.slots.length).toBeGreaterThan(0);
    }
  });

  it('refuses a threshold that is not a share of the images, naming the field', () => {
    expect(() => experiment({ dropBelow: 0.6 })).toThrow(/data\.partition\.smallShares\.dropBelow: got 0\.6; allowed: a number greater than 0 and at most 0\.5/);
    expect(() => experiment({ dropBelow: 0 })).toThrow(/smallShares\.dropBelow: got 0;/);
  });

  it('keeps every assigned task under the default redraw', () => {
    const redrawn = partitionTasks(experiment(), tasks, [[0], [0], [1], [1]]);
    expect(redrawn.clientTasks).toEqual([[0], [0], [1], [1]]);
  });
});
