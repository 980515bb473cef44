import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseExperiment } from '../../src/experiment/load.js';

const minimal = { data: { numClients: 10 }, training: { rounds: 5 } };

/** The problem lines of the ConfigError `parseExperiment` throws for `json`. */
function problemsOf(json: unknown): string[] {
  try {
    parseExperiment(json);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message
      .split('\n')
      .filter((line) => line.startsWith('  - '))
      .map((line) => line.slice(4));
  }
  throw new Error('expected parseExperiment to throw');
}

describe('parseExperiment', () => {
  it('fills in defaults for a minimal experiment', () => {
    const experiment = parseExperiment(minimal);
    expect(experiment.compressor).toEqual({ name: 'none', options: {} });
    expect(experiment.data.partition).toEqual({ kind: 'iid' });
    expect(experiment.adapter.rank).toBe(4);
  });

  it('names a misspelt discriminator, its allowed values and the near miss', () => {
    const problems = problemsOf({ ...minimal, data: { numClients: 10, partition: { kind: 'dirchlet' } } });
    expect(problems).toEqual([
      'data.partition.kind: got "dirchlet" (did you mean "dirichlet"?); allowed: iid, dirichlet, dirichlet-quantity, shards, task-groups',
    ]);
  });

  it('lists every problem of a file at once, each with what the field allows', () => {
    const problems = problemsOf({
      data: { numClient: 10 },
      training: { rounds: 0, optimizer: 'adamw' },
      seed: -1,
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'data.numClients: missing; allowed: an integer from 1 to 1000000',
        'data.numClient: unknown field (did you mean "numClients"?); allowed: dataset, source, path, testPath, imageSize, task, textField, labelField, numClients, partition, upstreamClasses, trainLimit, testLimit, tasks, tasksPerClient',
        'training.rounds: got 0; allowed: an integer from 1 to 100000',
        'training.optimizer: got "adamw" (did you mean "adam"?); allowed: adam, sgd',
        'seed: got -1; allowed: an integer from 0 to 4294967295',
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('describes fields inside the chosen union branch and inside compare entries', () => {
    const problems = problemsOf({
      ...minimal,
      data: { numClients: 10, partition: { kind: 'dirichlet', alpha: 0 } },
      compressor: { name: 'qsgd', opts: { levels: 4 } },
      compare: [{ label: 'rank 2', adapter: { rank: 2.5 } }],
    });
    expect(problems).toEqual([
      'data.partition.alpha: got 0; allowed: a number greater than 0',
      'compressor.opts: unknown field; allowed: name, options',
      'compare[0].adapter.rank: got 2.5; allowed: an integer from 1 to 1024',
    ]);
  });

  it('screens updates against the median update by default, and takes "off"', () => {
    expect(parseExperiment(minimal).updateScreen).toEqual({ relativeTo: 'median-update', factor: 100 });
    expect(parseExperiment({ ...minimal, updateScreen: { relativeTo: 'median-update' } }).updateScreen).toEqual({
      relativeTo: 'median-update',
      factor: 100,
    });
    expect(parseExperiment({ ...minimal, updateScreen: 'off' }).updateScreen).toBe('off');
  });

  it('names the field inside the branch of a union nested in a union', () => {
    expect(problemsOf({ ...minimal, updateScreen: { relativeTo: 'global-model' } })).toEqual([
      'updateScreen.factor: missing; allowed: a number greater than 0',
    ]);
    expect(problemsOf({ ...minimal, updateScreen: { relativeTo: 'median-update', factor: 1 } })).toEqual([
      'updateScreen.factor: got 1; allowed: a number greater than 1',
    ]);
    expect(problemsOf({ ...minimal, updateScreen: { relativeTo: 'median' } })).toEqual([
      'updateScreen.relativeTo: got "median"; allowed: median-update, global-model',
    ]);
    expect(problemsOf({ ...minimal, updateScreen: 'on' })).toEqual([
      'updateScreen: got "on"; allowed: off, or an object whose "relativeTo" is one of median-update, global-model',
    ]);
    expect(problemsOf({ ...minimal, compressor: { options: {} } })).toEqual(['compressor.name: missing; allowed: a non-empty string']);
  });

  it('quotes values of the wrong type and describes union-typed fields', () => {
    const problems = problemsOf({ ...minimal, data: { numClients: '10' }, compressor: 5, plugins: 'x' });
    expect(problems).toEqual(
      expect.arrayContaining([
        'data.numClients: got "10"; allowed: an integer from 1 to 1000000',
        'compressor: got 5; allowed: a non-empty string, or an object with fields name, options',
        'plugins: got "x"; allowed: a list, each a non-empty string',
      ]),
    );
  });

  it('reports a top-level value that is not an object', () => {
    expect(problemsOf([])[0]).toMatch(
      /^\(top level\): got \[\] \(a list\); allowed: an object with fields \$schema, name, /,
    );
  });

  it('points to the schema documentation', () => {
    expect(() => parseExperiment({})).toThrow(/docs\/experiment\.schema\.json/);
  });
});
