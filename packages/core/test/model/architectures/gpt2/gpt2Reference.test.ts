import * as tf from '@tensorflow/tfjs-core';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { frozenLinear, type BaseModel, type LinearFunction } from '../../../../src/model/architectures/baseModel.js';
import { HF_PAD_ID } from '../../../../src/model/architectures/huggingface/hfArchitecture.js';
import { useTfBackend } from '../../../../src/model/training/tfBackend.js';
import { runTorchScript, torchUnavailable } from '../../../torch/torchReference.js';
import { temporaryFolder } from '../../fixtures.js';
import { writeGpt2Folder, type Gpt2FolderOptions } from '../../../../src/testing/gpt2Folder.js';
import { loadGpt2Folder } from './gpt2FolderLoad.js';

const REFERENCE = fileURLToPath(new URL('./gpt2_reference.py', import.meta.url));
const TOLERANCE = 1e-4;

beforeAll(async () => {
  await useTfBackend('cpu');
});

const frozenOnly =
  (base: BaseModel): LinearFunction =>
  (module, x) =>
    frozenLinear(x, base.frozen.get(module.name)!);

/** `width` ids per row: a full row, then rows right-padded after 5 tokens and after 1. */
function paddedRows(width: number): number[][] {
  const full = Array.from({ length: width }, (_, i) => (i * 37 + 5) % 101);
  const padded = (tokens: number[]) => [...tokens, ...Array<number>(width - tokens.length).fill(HF_PAD_ID)];
  return [full, padded([100, 7, 7, 13, 59]), padded([31])];
}

interface Variant {
  title: string;
  options: Gpt2FolderOptions;
  contextLength: number;
  width: number;
}

const variants: Variant[] = [
  {
    title: 'GPT2LMHeadModel names, tied, with mask buffers and a stored lm_head.weight the tie overrides',
    options: { names: 'prefixed', tied: true, storeHead: true, maskBuffers: true },
    contextLength: 12,
    width: 9,
  },
  {
    title: 'GPT2Model names (as the original gpt2 checkpoint), tied, no lm_head.weight, at the full n_positions',
    options: { names: 'bare', maskBuffers: true, seed: 2 },
    contextLength: 16,
    width: 16,
  },
  { title: 'an untied lm_head', options: { tied: false, seed: 3 }, contextLength: 12, width: 12 },
  {
    title: 'exact GELU, n_inner 48, layer_norm_epsilon 1e-3 and unscaled attention scores',
    options: { activation: 'gelu', nInner: 48, layerNormEpsilon: 1e-3, scaleAttnWeights: false, seed: 4 },
    contextLength: 12,
    width: 12,
  },
  { title: 'gelu_pytorch_tanh', options: { activation: 'gelu_pytorch_tanh', seed: 5 }, contextLength: 12, width: 10 },
];

const unavailable = torchUnavailable();

describe('GPT-2 against a PyTorch forward on the same weights', () => {
  for (const variant of variants) {
    const title = `gives PyTorch's logits at every real position and at each row's last token: ${variant.title}`;
    it.skipIf(unavailable !== undefined)(unavailable === undefined ? title : `${title} (skipped: ${unavailable})`, async () => {
      const folder = await temporaryFolder();
      await writeGpt2Folder(folder, variant.options);
      const model = await loadGpt2Folder(folder, variant.contextLength);
      const rows = paddedRows(variant.width);
      const ids = tf.tensor2d(rows);
      const positions = model.positionLogits(ids, frozenOnly(model)).arraySync();
      const last = model.forward(ids, frozenOnly(model)).arraySync();
      const reference = (runTorchScript(REFERENCE, [folder, JSON.stringify(rows)]) as { logits: number[][][] }).logits;

      let largest = 0;
      let compared = 0;
      const compare = (ours: number[], theirs: number[]) => {
        expect(ours.length).toBe(theirs.length);
        theirs.forEach((value, i) => {
          largest = Math.max(largest, Math.abs(value - (ours[i] as number)));
          compared++;
        });
      };
      rows.forEach((row, r) => {
        const real = row.filter((id) => id !== HF_PAD_ID).length;
        const theirs = reference[r]!;
        expect(theirs.length).toBe(real);
        for (let p = 0; p < real; p++) compare(positions[r * variant.width + p]!, theirs[p]!);
        compare(last[r]!, theirs[real - 1]!);
      });
      expect(compared).toBe((variant.width + 5 + 1 + 3) * 101);
      expect(largest, `max |fedtune − PyTorch| = ${largest}`).toBeLessThan(TOLERANCE);
      model.dispose();
    });
  }
});
