import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError } from '../../errors.js';
import { frozenLinear, frozenOf, type LinearFunction } from '../architectures/baseModel.js';
import type { CausalLanguageModel } from '../architectures/huggingface/hfArchitecture.js';

/** How {@link scoreTokens} windows a long sequence. */
export interface ScoreOptions {
  /** Tokens per window, 2 to the model's `contextLength` (the default). */
  contextLength?: number;
  /**
   * How far each window starts after the previous one, 1 to `contextLength − 1`; by default half
   * the context. A smaller stride gives each token more left context and costs more windows.
   */
  stride?: number;
  /** Computes each linear module (an adapter's, say); by default the frozen modules alone. */
  linear?: LinearFunction;
}

/** How well a model predicts a token sequence. */
export interface TokenScore {
  /** Tokens predicted: every token but the first. */
  tokens: number;
  /** Mean negative log-likelihood of the predicted tokens, in nats. */
  meanNll: number;
  /** `exp(meanNll)`. */
  perplexity: number;
}

/** One window of {@link scoringWindows}: the model reads `[start, end)` and predicts `[firstTarget, end)`. */
export interface ScoringWindow {
  start: number;
  end: number;
  firstTarget: number;
}

/**
 * The windows of Hugging Face's sliding-window perplexity for `length` tokens: windows of at most
 * `contextLength` tokens starting every `stride` tokens, the last one reaching the end; each window
 * predicts the tokens the previous window did not reach, so every token after the first is
 * predicted exactly once, from as much left context as its window holds.
 */
export function scoringWindows(length: number, contextLength: number, stride: number): ScoringWindow[] {
  const windows: ScoringWindow[] = [];
  let previousEnd = 1;
  for (let start = 0; previousEnd < length; start += stride) {
    const end = Math.min(start + contextLength, length);
    windows.push({ start, end, firstTarget: previousEnd });
    previousEnd = end;
  }
  return windows;
}

function checkedWindowing(model: CausalLanguageModel, options: ScoreOptions): { contextLength: number; stride: number } {
  const contextLength = options.contextLength ?? model.contextLength;
  if (!Number.isSafeInteger(contextLength) || contextLength < 2 || contextLength > model.contextLength) {
    throw new ConfigError(
      `A scoring context of ${contextLength} tokens is not possible: it must be a whole number from 2 to the model's context length ${model.contextLength}; choose one in that range.`
    );
  }
  const stride = options.stride ?? Math.max(1, Math.floor(contextLength / 2));
  if (!Number.isSafeInteger(stride) || stride < 1 || stride >= contextLength) {
    throw new ConfigError(
      `A scoring stride of ${stride} is not possible with a context of ${contextLength}: it must be a whole number from 1 to ${
        contextLength - 1
      }, so that every token is predicted with at least one token of context; choose a smaller stride.`
    );
  }
  return { contextLength, stride };
}

/**
 * The mean negative log-likelihood and perplexity of token `ids` under a causal language model,
 * computed as Hugging Face's perplexity guide does for texts longer than the context: a sliding
 * window of `contextLength` tokens moved by `stride` (see {@link scoringWindows}), each token
 * predicted once, by the logits at the position before it. The first id has no prediction, so a
 * tokenizer that adds BOS gets the first text token scored.
 *
 * @throws DataError when `ids` holds fewer than two tokens or an id outside the model's vocabulary.
 * @throws ConfigError for a context or stride out of range.
 */
export function scoreTokens(model: CausalLanguageModel, ids: ArrayLike<number>, options: ScoreOptions = {}): TokenScore {
  const { contextLength, stride } = checkedWindowing(model, options);
  if (ids.length < 2) {
    throw new DataError(`The text has ${ids.length} token${ids.length === 1 ? '' : 's'}; scoring needs at least two (the first is never predicted); give a longer text.`);
  }
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (!Number.isSafeInteger(id) || id < 0 || id >= model.vocabSize) {
      throw new DataError(`Token ${i} has id ${id}, outside the model's vocabulary of ${model.vocabSize}; use the tokenizer saved with the model.`);
    }
  }
  const linear = options.linear ?? ((module, x) => frozenLinear(x, frozenOf(model.frozen, module.name)));
  let nllSum = 0;
  for (const window of scoringWindows(ids.length, contextLength, stride)) {
    const windowIds = Array.from({ length: window.end - window.start }, (_, i) => ids[window.start + i] as number);
    const targets = windowIds.slice(window.firstTarget - window.start);
    const logProbabilities = tf.tidy(() => {
      const logits = model.positionLogits(tf.tensor2d([windowIds], [1, windowIds.length]), linear);
      // The logits at a target's previous position predict it.
      const rows = tf.slice(logits, [window.firstTarget - window.start - 1, 0], [targets.length, -1]);
      const flatIndices = targets.map((target, row) => row * model.vocabSize + target);
      return tf.gather(tf.reshape(tf.logSoftmax(rows), [-1]), tf.tensor1d(flatIndices, 'int32'));
    });
    for (const value of logProbabilities.dataSync()) nllSum -= value;
    logProbabilities.dispose();
  }
  const tokens = ids.length - 1;
  const meanNll = nllSum / tokens;
  return { tokens, meanNll, perplexity: Math.exp(meanNll) };
}
