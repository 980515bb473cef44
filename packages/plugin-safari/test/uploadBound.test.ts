import { MemoryStore, uploadPayloadBound } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import { SafariSparseCompressor, sparsePayloadBytes } from '../src/index.js';
import { backend } from './fixtures.js';

// The network protocol bounds frames without asking compressors (core's uploadPayloadBound); SAFARI's
// sparse payload is the largest any compressor writes, so it is checked here against real payloads.
describe('safari-sparse payloads within the protocol upload bound', () => {
  it.each([0, 0.6, 0.99])('holds every payload at sparsity %s', (sparsity) => {
    for (const length of [1, 2, 9, 100, 1001]) {
      const update = Float32Array.from({ length }, (_, i) => Math.cos(i * 0.37) * (1 + (i % 5)));
      const memory = new MemoryStore().of('compressor', 0);
      const payload = new SafariSparseCompressor(sparsity).encode(update, {
        seed: 3,
        round: 0,
        clientId: 0,
        backend,
        memory,
        trainLoss: 1,
      });
      expect(payload.byteLength).toBeLessThanOrEqual(uploadPayloadBound(length));
    }
  });

  it('leaves nearly a factor of two above the largest payload, every value kept with a bitmap', () => {
    for (const length of [1, 8, 1000, 1_000_000]) {
      expect(uploadPayloadBound(length) / sparsePayloadBytes(length, length)).toBeGreaterThan(1.9);
    }
  });
});
