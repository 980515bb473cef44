import { describe, expect, it } from 'vitest';
import { applyTask, relabelImages, rotateImages } from '../../src/data/tasks.js';
import { assignTasks, clientsByTask } from '../../src/data/taskAssignment.js';
import type { LabelledImages } from '../../src/data/types.js';
import { RandomStream, RandomStreams } from '../../src/random/counterRandom.js';

/** One 3×3 image with pixels 1..9 row by row, label 2 of 10 classes. */
const image: LabelledImages = {
  count: 1,
  rows: 3,
  cols: 3,
  pixels: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9),
  labels: Uint8Array.of(2),
  numClasses: 10,
};

describe('task transforms', () => {
  it('rotates clockwise by 90, 180 and 270 degrees (worked by hand)', () => {
    // 1 2 3      7 4 1      9 8 7      3 6 9
    // 4 5 6  →   8 5 2  ,   6 5 4  ,   2 5 8
    // 7 8 9      9 6 3      3 2 1      1 4 7
    expect(Array.from(rotateImages(image, 90).pixels)).toEqual([7, 4, 1, 8, 5, 2, 9, 6, 3]);
    expect(Array.from(rotateImages(image, 180).pixels)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(Array.from(rotateImages(image, 270).pixels)).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7]);
    expect(rotateImages(rotateImages(image, 90), 270).pixels).toEqual(image.pixels);
  });

  it('relabels classes and counts the new classes', () => {
    const grouped = relabelImages(image, [0, 0, 1, 1, 1, 2, 1, 2, 3, 2]);
    expect(Array.from(grouped.labels)).toEqual([1]);
    expect(grouped.numClasses).toBe(4);
    expect(applyTask(image, { name: 'both', rotate: 90, relabel: [0, 0, 1, 1, 1, 2, 1, 2, 3, 2] })).toMatchObject({
      numClasses: 4,
      pixels: Uint8Array.of(7, 4, 1, 8, 5, 2, 9, 6, 3),
    });
  });
});

describe('assignTasks', () => {
  const stream = (seed: number) => new RandomStream({ seed, round: 0, client: 0, stream: RandomStreams.taskAssignment });

  it('gives each client between min and max distinct tasks and every task a client', () => {
    for (let seed = 0; seed < 50; seed++) {
      const held = assignTasks(10, 3, { min: 1, max: 3 }, stream(seed));
      for (const tasks of held) {
        expect(tasks.length).toBeGreaterThanOrEqual(1);
        expect(tasks.length).toBeLessThanOrEqual(3);
        expect(new Set(tasks).size).toBe(tasks.length);
        expect(tasks).toEqual([...tasks].sort((a, b) => a - b));
      }
      expect(clientsByTask(held, 3).every((clients) => clients.length > 0)).toBe(true);
    }
  });

  it('is deterministic per seed and refuses impossible ranges', () => {
    expect(assignTasks(10, 3, { min: 1, max: 2 }, stream(4))).toEqual(assignTasks(10, 3, { min: 1, max: 2 }, stream(4)));
    expect(() => assignTasks(10, 3, { min: 1, max: 4 }, stream(0))).toThrow(/only 3 tasks/);
    expect(() => assignTasks(2, 3, { min: 1, max: 1 }, stream(0))).toThrow(/at least 3 clients/);
    expect(() => assignTasks(1, 3, { min: 1, max: 2 }, stream(0))).toThrow(/at least 2 clients holding up to 2 each/);
  });

  it('lets fewer clients than tasks hold them all when each may hold several', () => {
    // One client holding every task: each task's images all go to one slot (centralised training).
    expect(assignTasks(1, 3, { min: 3, max: 3 }, stream(7))).toEqual([[0, 1, 2]]);
    for (let seed = 0; seed < 20; seed++) {
      const held = assignTasks(2, 3, { min: 2, max: 2 }, stream(seed));
      expect(clientsByTask(held, 3).every((clients) => clients.length > 0)).toBe(true);
    }
  });
});
