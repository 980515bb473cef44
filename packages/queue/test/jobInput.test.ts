import { describe, expect, it } from 'vitest';
import { toBase64 } from '../src/jobs/binaryText.js';
import { vectorDigest, type TrainingJobData } from '../src/jobs/trainingJob.js';
import { parseJobData, slotData } from '../src/worker/jobInput.js';

const job: TrainingJobData = {
  recipe: 'c'.repeat(64),
  round: 0,
  client: 1,
  slot: 0,
  random: { seed: 1, round: 0, client: 1, stream: 2 },
  start: { key: 'k', digest: vectorDigest(new Float32Array(2)), length: 2 },
  indices: toBase64(new Uint32Array([0, 4])),
};
const pool = { count: 5, featureSize: 1, numClasses: 2, features: new Float32Array(5), labels: new Int32Array(5) };

describe('parseJobData', () => {
  it('takes a well-formed job', () => {
    expect(parseJobData(JSON.parse(JSON.stringify(job)))).toEqual(job);
  });

  it.each([
    ['a recipe that is no id', { recipe: '../etc' }, /names no recipe id/],
    ['a negative round', { round: -1 }, /has round -1, not a count/],
    ['a fractional client', { client: 1.5 }, /has client 1.5, not a count/],
    ['no random key', { random: { seed: 1 } }, /has no valid random key/],
    ['a start without a digest', { start: { key: 'k', digest: 'x', length: 2 } }, /names no valid start vector/],
  ])('refuses %s', (_what, change, message) => {
    expect(() => parseJobData({ ...job, ...change })).toThrow(message);
  });
});

describe('slotData', () => {
  it("gives the job's rows of the pool", () => {
    expect(Array.from(slotData(job, pool).indices)).toEqual([0, 4]);
  });

  it('refuses a row outside the pool', () => {
    expect(() => slotData({ ...job, indices: toBase64(new Uint32Array([5])) }, pool)).toThrow(/names row 5 of a pool of 5 examples/);
  });
});
