import { describe, expect, it } from 'vitest';
import type { FeatureSet } from '../../src/data/types.js';
import { evaluatesRound, interimTestTasks, testExamplesOf } from '../../src/engine/evaluationSchedule.js';
import { ConfigError } from '../../src/errors.js';
import { parseExperiment } from '../../src/experiment/index.js';
import type { FederationTask } from '../../src/federation/types.js';

const evaluatedRounds = (rounds: number, every: number) =>
  Array.from({ length: rounds }, (_, round) => round).filter((round) => evaluatesRound(round, rounds, every));

/** A task of `count` test examples, labels 0 … 4 in turn, evaluated on `testIndices` when given. */
function task(count: number, testIndices?: Uint32Array): FederationTask {
  const test: FeatureSet = {
    count,
    featureSize: 1,
    numClasses: 5,
    features: new Float32Array(count),
    labels: Int32Array.from({ length: count }, (_, i) => i % 5),
  };
  return { spec: { name: `${count} examples`, rotate: 0 }, numClasses: 5, test, testIndices };
}

describe('which rounds evaluate', () => {
  it('evaluates rounds K, 2K, … counting from 1, and the last round always', () => {
    expect(evaluatedRounds(10, 3)).toEqual([2, 5, 8, 9]);
    expect(evaluatedRounds(9, 3)).toEqual([2, 5, 8]);
    expect(evaluatedRounds(4, 1)).toEqual([0, 1, 2, 3]);
  });

  it('evaluates only the last round when K exceeds the rounds', () => {
    expect(evaluatedRounds(5, 20)).toEqual([4]);
  });
});

describe('the test subset of rounds before the last', () => {
  const tasks = [task(1000), task(200)];

  it('cuts each task with more examples than the limit to that many, keeping the others whole', () => {
    const interim = interimTestTasks(tasks, 300, 7);
    expect(interim[0]?.testIndices).toHaveLength(300);
    expect(interim[1]).toBe(tasks[1]);
    expect(testExamplesOf(interim)).toBe(500);
    expect(testExamplesOf(tasks)).toBe(1200);
  });

  it('is stratified: every class keeps its share', () => {
    const [cut] = interimTestTasks(tasks, 300, 7);
    const perClass = [0, 0, 0, 0, 0];
    for (const index of cut?.testIndices ?? []) perClass[index % 5]!++;
    expect(perClass).toEqual([60, 60, 60, 60, 60]);
  });

  it('is the same subset on every call with the same seed, and another with another seed', () => {
    const subset = (seed: number) => Array.from(interimTestTasks(tasks, 300, seed)[0]?.testIndices ?? []);
    expect(subset(7)).toEqual(subset(7));
    expect(subset(8)).not.toEqual(subset(7));
  });

  it('draws each task from a stream of its own', () => {
    const [first, second] = interimTestTasks([task(1000), task(1000)], 300, 7);
    expect(Array.from(first?.testIndices ?? [])).not.toEqual(Array.from(second?.testIndices ?? []));
  });

  it('draws from the test examples data.testLimit kept, never from outside them', () => {
    const kept = Uint32Array.from({ length: 500 }, (_, i) => 2 * i);
    const [cut] = interimTestTasks([task(1000, kept)], 100, 7);
    expect(cut?.testIndices).toHaveLength(100);
    expect(Array.from(cut?.testIndices ?? []).every((index) => index % 2 === 0 && index < 1000)).toBe(true);
  });

  it('returns the tasks themselves when no limit is set or no task exceeds it', () => {
    expect(interimTestTasks(tasks, undefined, 7)).toBe(tasks);
    expect(interimTestTasks(tasks, 1000, 7)).toBe(tasks);
    expect(interimTestTasks(tasks, 5000, 7)).toBe(tasks);
  });
});

describe('evaluation options in the experiment file', () => {
  const data = { numClients: 2 };
  const training = { rounds: 3 };

  it('defaults to every round on the full test set', () => {
    expect(parseExperiment({ data, training }).evaluation).toEqual({ every: 1 });
  });

  it.each([
    ['every', { every: 0 }],
    ['every', { every: 1.5 }],
    ['testLimit', { testLimit: 0 }],
    ['testLimit', { testLimit: -10 }],
  ])('refuses a bad evaluation.%s with a ConfigError naming the field', (field, evaluation) => {
    const parse = () => parseExperiment({ data, training, evaluation });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(new RegExp(`evaluation\\.${field}`));
  });
});
