import { describe, expect, it } from 'vitest';
import { isFedtuneError, NonFiniteError, reviveError, serialiseError } from '@fedtune/core';
import { toBase64 } from '../src/jobs/binaryText.js';
import { acceptResult, resultKeyOf, trainedSlot, vectorDigest, type TrainingJobData } from '../src/jobs/trainingJob.js';

const start = new Float32Array([0.5, -1, 2]);
const job: TrainingJobData = {
  recipe: 'a'.repeat(64),
  round: 4,
  client: 2,
  slot: 1,
  random: { seed: 5, round: 4, client: 2, stream: 7 },
  start: { key: 'fedtune:vector:run:x', digest: vectorDigest(start), length: start.length },
  indices: toBase64(new Uint32Array([3, 1])),
};
const trained = { parameters: new Float32Array([1, 2, 3]), meanLoss: 0.25, steps: 2, samples: 64 };
const stored = (forJob: TrainingJobData, result = trained) => JSON.stringify(trainedSlot(forJob, result));

describe('acceptResult', () => {
  it("takes the worker's result for this very job", () => {
    expect(acceptResult(stored(job), job)).toEqual(trained);
  });

  it.each([
    ['round', { round: 3 }, /answers round 3, another experiment or round/],
    ['recipe', { recipe: 'b'.repeat(64) }, /answers recipe b{64}, another experiment or round/],
    ['client', { client: 0 }, /answers client 0/],
  ])('refuses a result of another %s', (_field, other, message) => {
    expect(() => acceptResult(stored({ ...job, ...other }), job)).toThrow(message);
  });

  it('refuses a vector of another length, or with NaN or Infinity, like an upload', () => {
    expect(() => acceptResult(stored(job, { ...trained, parameters: new Float32Array(2) }), job)).toThrow(
      /holds 2 values, not the 3 of the adapter/,
    );
    expect(() => acceptResult(stored(job, { ...trained, parameters: new Float32Array([1, Number.NaN, 3]) }), job)).toThrow(
      /holds NaN at index 1; it was refused/,
    );
    // JSON has no Infinity: a worker's Infinity arrives as null, which is no finite number either.
    expect(() => acceptResult(stored(job, { ...trained, meanLoss: Number.POSITIVE_INFINITY }), job)).toThrow(
      /meanLoss null, not a finite number/,
    );
  });

  it('refuses what is missing, not JSON or not base64', () => {
    expect(() => acceptResult(null, job)).toThrow(/is no longer in Redis/);
    expect(() => acceptResult('{', job)).toThrow(/is not JSON/);
    expect(() => acceptResult(JSON.stringify({ ...trainedSlot(job, trained), parameters: 'not base64!' }), job)).toThrow(
      /is not base64 text/,
    );
  });
});

describe('resultKeyOf', () => {
  it('gives the key a worker stored the result under', () => {
    expect(resultKeyOf({ ok: true, value: { result: 'fedtune:result:42' } }, job, reviveError)).toBe('fedtune:result:42');
  });

  it("refuses what is not a fedtune worker's reply, or names a key outside fedtune's", () => {
    expect(() => resultKeyOf('done', job, reviveError)).toThrow(/is not a fedtune worker's reply/);
    expect(() => resultKeyOf({ ok: true, value: { result: 'fedtune:recipe:x' } }, job, reviveError)).toThrow(/names no result key/);
  });

  it("rethrows the worker's training error as its fedtune class, so a diverged client is still rejected", () => {
    const reply = { ok: false as const, error: serialiseError(new NonFiniteError('loss became NaN')) };
    let thrown: unknown;
    try {
      resultKeyOf(reply, job, reviveError);
    } catch (error) {
      thrown = error;
    }
    expect(isFedtuneError(thrown, 'NonFiniteError')).toBe(true);
    expect((thrown as Error).message).toBe('loss became NaN');
  });
});
