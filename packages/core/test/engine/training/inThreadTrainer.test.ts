import { describe, expect, it } from 'vitest';
import { InThreadSlotTrainer } from '../../../src/engine/training/inThreadTrainer.js';
import type { LocalTrainer, LocalTrainResult } from '../../../src/model/training/trainer.js';

/** A trainer that records overlapping calls and fails on client 1. */
function recordingTrainer() {
  let running = 0;
  let maxRunning = 0;
  const trainer = {
    async train(start: Float32Array, data: { clientId: number }): Promise<LocalTrainResult> {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((done) => setTimeout(done, 5));
      running--;
      if (data.clientId === 1) throw new Error('client 1 failed');
      return { parameters: start.map((v) => v + data.clientId), meanLoss: data.clientId, steps: 1, samples: 1 };
    },
  };
  return { trainer: trainer as unknown as LocalTrainer, maxRunning: () => maxRunning };
}

describe('InThreadSlotTrainer', () => {
  it('runs calls one at a time, each resolving with its own result, a failure failing only its call', async () => {
    const { trainer, maxRunning } = recordingTrainer();
    const slots = new InThreadSlotTrainer(trainer);
    const random = { seed: 1, round: 0, client: 0, stream: 0 };
    const calls = [0, 1, 2].map((clientId) =>
      slots.train(Float32Array.of(10), { clientId, source: undefined as never, indices: new Uint32Array() }, random),
    );
    const [first, second, third] = await Promise.allSettled(calls);
    expect(first).toMatchObject({ status: 'fulfilled', value: { meanLoss: 0, parameters: Float32Array.of(10) } });
    expect(second).toMatchObject({ status: 'rejected', reason: { message: 'client 1 failed' } });
    expect(third).toMatchObject({ status: 'fulfilled', value: { meanLoss: 2, parameters: Float32Array.of(12) } });
    expect(maxRunning()).toBe(1);
    await slots.close();
  });
});
