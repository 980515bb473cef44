import { createFedtuneContainer, parseExperiment } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import { runWorkerCount } from '../src/workerCount.js';
import { runCli } from './capture.js';

const container = createFedtuneContainer();
const experimentWith = (fields: object) => parseExperiment({ data: { numClients: 4 }, training: { rounds: 1 }, ...fields });
const fourClients = experimentWith({});

describe('runWorkerCount', () => {
  it('caps --workers at the client slots a round trains at once, with a one-line note', () => {
    const { workers, note } = runWorkerCount(64, fourClients, container, 16);
    expect(workers).toBe(4);
    expect(note).toBe('note: --workers 64 lowered to 4, the most client slots a round of this experiment trains at once');
  });

  it('caps --workers at the cores available', () => {
    const { workers, note } = runWorkerCount(8, experimentWith({ data: { numClients: 40 } }), container, 2);
    expect(workers).toBe(2);
    expect(note).toBe('note: --workers 8 lowered to 2, the cores available here');
  });

  it('counts the clients the selector samples, the slots each holds, and every compare run', () => {
    const sampled = experimentWith({ data: { numClients: 20 }, selector: { name: 'uniform', options: { fraction: 0.25 } } });
    expect(runWorkerCount(64, sampled, container, 64).workers).toBe(5);
    const twoTasks = { numClients: 4, tasks: [{ name: 'a' }, { name: 'b', rotate: 90 }], tasksPerClient: { min: 1, max: 2 } };
    expect(runWorkerCount(64, experimentWith({ data: twoTasks }), container, 64).workers).toBe(8);
    const shared = experimentWith({ data: twoTasks, training: { rounds: 1, taskSlots: 'shared' } });
    expect(runWorkerCount(64, shared, container, 64).workers).toBe(4);
    const compared = experimentWith({
      data: { numClients: 20 },
      selector: { name: 'uniform', options: { fraction: 0.25 } },
      compare: [{ label: 'everyone', selector: 'all' }],
    });
    expect(runWorkerCount(64, compared, container, 64).workers).toBe(20);
  });

  it('keeps a count within both caps, and fits the default to them without a note', () => {
    expect(runWorkerCount(3, fourClients, container, 16)).toEqual({ workers: 3 });
    expect(runWorkerCount(undefined, fourClients, container, 16)).toEqual({ workers: 4 });
    expect(runWorkerCount(undefined, fourClients, container, 2)).toEqual({ workers: 2 });
  });
});

describe('fedtune run --workers', () => {
  it('refuses a count that is not positive, before any work', async () => {
    for (const value of ['0', '-1']) {
      const { code, stderr } = await runCli(['run', 'experiment.json', `--workers=${value}`]);
      expect(code).toBe(2);
      expect(stderr).toContain(`expected a whole number from 1 to 1024, got "${value}"`);
    }
  });
});
