import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/contracts/backend.js';
import { ReferenceBackend } from '../../src/backend/index.js';

describe('ReferenceBackend', () => {
  it('is named reference', () => {
    expect(new ReferenceBackend().name).toBe('reference');
  });

  it('methods work when detached from the instance (they keep no state)', () => {
    const { axpy, topKMask }: Backend = new ReferenceBackend();
    expect(axpy(2, Float32Array.of(1), Float32Array.of(1))).toEqual(Float32Array.of(3));
    expect(topKMask(Float32Array.of(1, 3, 2), 1)).toEqual(Uint8Array.of(0, 1, 0));
  });
});
