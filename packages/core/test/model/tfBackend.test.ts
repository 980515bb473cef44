import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/random/counterRandom.js';
import { loraAdapter } from '../../src/model/adapters/lora.js';
import { useTfBackend } from '../../src/model/training/tfBackend.js';
import { LocalTrainer } from '../../src/model/training/trainer.js';
import { randomMlp, range, separableFeatures } from './fixtures.js';

/** One short LoRA training run on the current backend. */
async function trainOnce(): Promise<Float32Array> {
  const data = separableFeatures(64, 12, 3);
  const base = randomMlp({ inputSize: 12, hidden: [8], numClasses: 3 });
  const random = { seed: 2, round: 0, client: 0, stream: RandomStreams.initialisation };
  const adapter = loraAdapter.create(base.modules, { rank: 2, alpha: 4, numClasses: 3, random });
  const trainer = new LocalTrainer(base, adapter, { epochs: 2, batchSize: 16, learningRate: 0.01, optimizer: 'adam' });
  const result = await trainer.train(
    adapter.initialParameters(base.frozen),
    { clientId: 0, source: data, indices: range(64) },
    random
  );
  trainer.dispose();
  base.dispose();
  return result.parameters;
}

describe('useTfBackend', () => {
  it('selects cpu and wasm by name, and wasm for auto', async () => {
    expect(await useTfBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await useTfBackend('wasm')).toBe('wasm');
    expect(await useTfBackend('auto')).toBe('wasm');
  });

  it('trains to the same parameters on cpu and wasm, up to float rounding', async () => {
    await useTfBackend('cpu');
    const onCpu = await trainOnce();
    await useTfBackend('wasm');
    const onWasm = await trainOnce();
    const again = await trainOnce();
    expect(again).toEqual(onWasm);
    const largest = onCpu.reduce((m, v, i) => Math.max(m, Math.abs(v - (onWasm[i] as number))), 0);
    expect(largest).toBeLessThan(1e-4);
  });
});
