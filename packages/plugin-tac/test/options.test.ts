import { ConfigError } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import { parseTacLocalOptions, parseTacOptions, parseTacOracleOptions } from '../src/options.js';

describe('tac options', () => {
  it('fills the paper defaults around the required k', () => {
    expect(parseTacOptions({ k: 3 })).toEqual({
      k: 3,
      maxK: 8,
      nInit: 10,
      maxIterations: 100,
      tolerance: 1e-6,
      weighting: 'samples',
      includeHead: false,
    });
    expect(parseTacOptions({ k: 'auto', maxK: 4, weighting: 'uniform', includeHead: true, projectionDir: 'out' })).toMatchObject({
      k: 'auto',
      maxK: 4,
      weighting: 'uniform',
      includeHead: true,
      projectionDir: 'out',
    });
  });

  it('names the option and what is wrong', () => {
    expect(() => parseTacOptions({})).toThrow(ConfigError);
    expect(() => parseTacOptions({})).toThrow(/aggregator tac: options\.k/);
    expect(() => parseTacOptions({ k: 0 })).toThrow(/options\.k/);
    expect(() => parseTacOptions({ k: 2.5 })).toThrow(/options\.k/);
    expect(() => parseTacOptions({ k: 3, nInit: 0 })).toThrow(/options\.nInit/);
    expect(() => parseTacOptions({ k: 3, tolerance: -1 })).toThrow(/options\.tolerance/);
    expect(() => parseTacOptions({ k: 3, weighting: 'size' })).toThrow(/options\.weighting/);
    expect(() => parseTacOptions({ k: 3, nInits: 5 })).toThrow(/nInits/);
  });
});

describe('tac-oracle and tac-local options', () => {
  it('needs the experiment\'s task count and range for the oracle', () => {
    expect(parseTacOracleOptions({ numTasks: 3, tasksPerClient: { min: 1, max: 3 } })).toEqual({
      numTasks: 3,
      tasksPerClient: { min: 1, max: 3 },
      weighting: 'samples',
      includeHead: false,
    });
    expect(() => parseTacOracleOptions({ numTasks: 3 })).toThrow(/aggregator tac-oracle: options\.tasksPerClient/);
    expect(() => parseTacOracleOptions({ numTasks: 3, tasksPerClient: { min: 3, max: 1 } })).toThrow(/min must not exceed max/);
  });

  it('takes only the shared options for local training', () => {
    expect(parseTacLocalOptions({})).toEqual({ includeHead: false });
    expect(() => parseTacLocalOptions({ weighting: 'samples' })).toThrow(/aggregator tac-local/);
  });
});
