import * as tf from '@tensorflow/tfjs-core';
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frozenLinear, type LinearFunction } from '../../../src/model/architectures/baseModel.js';
import type { CausalLanguageModel } from '../../../src/model/architectures/huggingface/hfArchitecture.js';
import { scoreTokens, scoringWindows } from '../../../src/model/scoring/scoreTokens.js';
import { useTfBackend } from '../../../src/model/training/tfBackend.js';
import { runTorchScript, torchUnavailable } from '../../torch/torchReference.js';
import { writeGpt2Folder } from '../../../src/testing/gpt2Folder.js';
import { loadGpt2Folder } from '../architectures/gpt2/gpt2FolderLoad.js';

const REFERENCE = fileURLToPath(new URL('./score_reference.py', import.meta.url));
const TOLERANCE = 1e-4;

let folder: string;
let model: CausalLanguageModel;

beforeAll(async () => {
  await useTfBackend('cpu');
  folder = await mkdtemp(join(tmpdir(), 'fedtune-score-'));
  await writeGpt2Folder(folder, { seed: 7 });
  model = await loadGpt2Folder(folder, 16);
});

afterAll(async () => {
  model.dispose();
  await rm(folder, { recursive: true, force: true });
});

/** `length` ids of the 101-token test vocabulary, spread over it. */
const idsOf = (length: number, offset = 3) => Array.from({ length }, (_, i) => (i * 29 + offset) % 101);

const frozenOnly: LinearFunction = (module, x) => frozenLinear(x, model.frozen.get(module.name)!);

/** −log p(ids[t] | ids[start..t)) for each t of `targets`, read off one positionLogits call over `ids[start, end)`. */
function tokenNlls(ids: number[], start: number, end: number, targets: number[]): number[] {
  const logits = model.positionLogits(tf.tensor2d([ids.slice(start, end)]), frozenOnly).arraySync();
  return targets.map((t) => {
    const row = logits[t - 1 - start] as number[];
    const largest = Math.max(...row);
    const logSumExp = largest + Math.log(row.reduce((sum, value) => sum + Math.exp(value - largest), 0));
    return logSumExp - (row[ids[t] as number] as number);
  });
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('scoringWindows', () => {
  it("moves a window of the context by the stride, each window predicting only the tokens the previous one did not reach", () => {
    expect(scoringWindows(7, 4, 2)).toEqual([
      { start: 0, end: 4, firstTarget: 1 },
      { start: 2, end: 6, firstTarget: 4 },
      { start: 4, end: 7, firstTarget: 6 },
    ]);
    expect(scoringWindows(3, 8, 4)).toEqual([{ start: 0, end: 3, firstTarget: 1 }]);
  });
});

describe('scoreTokens', () => {
  it('gives the mean of −log softmax at each previous position for a text within the context', () => {
    const ids = idsOf(11);
    const expected = mean(tokenNlls(ids, 0, 11, idsOf(10).map((_, i) => i + 1)));
    const score = scoreTokens(model, ids);
    expect(score.tokens).toBe(10);
    expect(score.meanNll).toBeCloseTo(expected, 5);
    expect(Math.abs(score.perplexity / Math.exp(expected) - 1)).toBeLessThan(1e-5);
  });

  it('predicts each token of a longer text once, from the window that first reaches it', () => {
    const ids = idsOf(7, 11);
    const expected = mean([
      ...tokenNlls(ids, 0, 4, [1, 2, 3]),
      ...tokenNlls(ids, 2, 6, [4, 5]),
      ...tokenNlls(ids, 4, 7, [6]),
    ]);
    const score = scoreTokens(model, ids, { contextLength: 4, stride: 2 });
    expect(score.tokens).toBe(6);
    expect(score.meanNll).toBeCloseTo(expected, 5);
  });

  it('uses the adapter-supplied linear function', () => {
    const ids = idsOf(9);
    const shifted: LinearFunction = (module, x) => {
      const y = frozenOnly(module, x);
      return module.isHead ? y : tf.add(y, 0.05);
    };
    expect(scoreTokens(model, ids, { linear: shifted }).meanNll).not.toBeCloseTo(scoreTokens(model, ids).meanNll, 3);
  });

  it('refuses a stride that would leave tokens unpredicted, a context beyond the model, a one-token text and foreign ids', () => {
    expect(() => scoreTokens(model, idsOf(20), { contextLength: 8, stride: 8 })).toThrow(
      'A scoring stride of 8 is not possible with a context of 8: it must be a whole number from 1 to 7'
    );
    expect(() => scoreTokens(model, idsOf(20), { contextLength: 17 })).toThrow(
      "A scoring context of 17 tokens is not possible: it must be a whole number from 2 to the model's context length 16"
    );
    expect(() => scoreTokens(model, [5])).toThrow('The text has 1 token; scoring needs at least two');
    expect(() => scoreTokens(model, [5, 101])).toThrow("Token 1 has id 101, outside the model's vocabulary of 101");
  });
});

const unavailable = torchUnavailable();

describe("scoreTokens against the perplexity guide's loop in PyTorch", () => {
  const cases = [
    { title: 'a text shorter than the context', length: 12, contextLength: 16, stride: 8 },
    { title: 'a text of several windows, stride 5 of a 12-token context', length: 40, contextLength: 12, stride: 5 },
    { title: 'a text of several windows, stride 1', length: 14, contextLength: 6, stride: 1 },
  ];
  for (const { title, length, contextLength, stride } of cases) {
    const name = `matches to 1e-4: ${title}`;
    it.skipIf(unavailable !== undefined)(unavailable === undefined ? name : `${name} (skipped: ${unavailable})`, () => {
      const ids = idsOf(length);
      const score = scoreTokens(model, ids, { contextLength, stride });
      const reference = runTorchScript(REFERENCE, [folder, JSON.stringify(ids), String(contextLength), String(stride)]) as {
        tokens: number;
        meanNll: number;
      };
      expect(score.tokens).toBe(reference.tokens);
      expect(Math.abs(score.meanNll - reference.meanNll)).toBeLessThan(TOLERANCE);
    });
  }
});
