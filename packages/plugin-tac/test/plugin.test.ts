import { createFedtuneContainer, resolveNamed } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';

const context = { seed: 2, numClients: 4 };

describe('plugin descriptor', () => {
  it('registers tac, tac-oracle and tac-local beside core\'s aggregators', () => {
    const container = createFedtuneContainer();
    plugin.register(container);
    expect(resolveNamed(container, 'aggregator', 'tac').create({ k: 3 }, context).name).toBe('tac');
    expect(resolveNamed(container, 'aggregator', 'tac-oracle').create({ numTasks: 2, tasksPerClient: { min: 1, max: 2 } }, context).name).toBe(
      'tac-oracle',
    );
    expect(resolveNamed(container, 'aggregator', 'tac-local').create({}, context).name).toBe('tac-local');
    expect(resolveNamed(container, 'aggregator', 'tac').plugin).toBe('@fedtune/plugin-tac');
    expect(resolveNamed(container, 'aggregator', 'fedavg').plugin).toBe('@fedtune/core');
    expect(() => resolveNamed(container, 'aggregator', 'tac').create({}, context)).toThrow(/aggregator tac: options\.k/);
  });
});
