import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { frozenLinear, type LinearFunction } from '../../../../src/model/architectures/baseModel.js';
import { HF_PAD_ID, type CausalLanguageModel } from '../../../../src/model/architectures/huggingface/hfArchitecture.js';
import { useTfBackend } from '../../../../src/model/training/tfBackend.js';
import { torchUnavailable, runTorchScript } from '../../../torch/torchReference.js';
import { temporaryFolder } from '../../fixtures.js';
import { buildLlamaFromFolder, writeLlamaFolder, type LlamaFolderOptions } from './llamaFolder.js';

const REFERENCE = fileURLToPath(new URL('./llama_reference.py', import.meta.url));
const TOLERANCE = 1e-4;

beforeAll(async () => {
  await useTfBackend('cpu');
});

const frozenOnly =
  (model: CausalLanguageModel): LinearFunction =>
  (module, x) =>
    frozenLinear(x, model.frozen.get(module.name)!);

/** `count` token ids in [0, vocab), varied per row. */
function tokens(count: number, row: number, vocab: number): number[] {
  return Array.from({ length: count }, (_, i) => (7 * row + 13 * i + ((i * i) % 5)) % vocab);
}

interface Case {
  title: string;
  options: LlamaFolderOptions;
  contextLength: number;
  /** Real tokens per row; rows are right-padded with HF_PAD_ID to the longest. */
  lengths: number[];
}

const CASES: Case[] = [
  {
    title: 'an untied head, grouped-query attention (4 query heads on 2 key/value heads), rope_theta 10000',
    options: { kvHeads: 2, headDim: 8 },
    contextLength: 16,
    lengths: [16, 11, 1],
  },
  {
    title: 'a tied head, rope_theta 500000, head_dim 12 (hidden/heads is 8), one key/value head, sequences shorter than the context',
    options: { tied: true, ropeTheta: 500000, kvHeads: 1, headDim: 12, seed: 9 },
    contextLength: 16,
    lengths: [9, 4, 7],
  },
  {
    title: 'attention and MLP biases, the stored inv_freq buffers, no num_key_value_heads field (one per query head)',
    options: { attentionBias: true, mlpBias: true, rotaryBuffer: true, seed: 13 },
    contextLength: 12,
    lengths: [5, 12, 2],
  },
];

const unavailable = torchUnavailable();
const suffix = unavailable === undefined ? '' : ` (skipped: ${unavailable})`;

describe('LlamaForCausalLM against a PyTorch forward on the same weights', () => {
  for (const { title, options, contextLength, lengths } of CASES) {
    it.skipIf(unavailable !== undefined)(`${title}: every real position and each row's last token${suffix}`, async () => {
      const folder = await temporaryFolder();
      await writeLlamaFolder(folder, options);
      const model = await buildLlamaFromFolder(folder, contextLength);
      const vocab = model.vocabSize;
      const rows = lengths.map((count, row) => tokens(count, row, vocab));
      const idsPath = join(folder, 'ids.json');
      await writeFile(idsPath, JSON.stringify(rows));
      const reference = (runTorchScript(REFERENCE, [folder, idsPath]) as { logits: number[][][] }).logits;

      const width = Math.max(...lengths);
      const padded = rows.flatMap((ids) => [...ids, ...Array<number>(width - ids.length).fill(HF_PAD_ID)]);
      const ids = tf.tensor2d(padded, [rows.length, width]);
      const positions = tf.tidy(() => model.positionLogits(ids, frozenOnly(model)).arraySync());
      const lasts = tf.tidy(() => model.forward(ids, frozenOnly(model)).arraySync());
      expect(positions.length).toBe(rows.length * width);
      expect(lasts.length).toBe(rows.length);

      let largest = 0;
      let largestLogit = 0;
      const compare = (ours: number[], theirs: number[]) => {
        expect(ours.length).toBe(vocab);
        theirs.forEach((value, i) => {
          largest = Math.max(largest, Math.abs(value - (ours[i] as number)));
          largestLogit = Math.max(largestLogit, Math.abs(value));
        });
      };
      reference.forEach((sequence, row) => {
        expect(sequence.length).toBe(lengths[row]);
        sequence.forEach((theirs, position) => compare(positions[row * width + position]!, theirs));
        compare(lasts[row]!, sequence[sequence.length - 1]!);
      });
      // Logits of order one, so an absolute tolerance of 1e-4 is a tight one.
      expect(largestLogit).toBeGreaterThan(1);
      expect(largest, `largest difference from PyTorch ${largest}`).toBeLessThan(TOLERANCE);
      ids.dispose();
      model.dispose();
    });
  }
});
