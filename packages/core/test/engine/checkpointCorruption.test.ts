import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, type ServerState } from '../../src/engine/index.js';
import { isFedtuneError } from '../../src/errors.js';
import { sampleState } from './checkpointFixtures.js';

const original = encodeCheckpoint(sampleState(), 'abc');

describe('a checkpoint with one byte changed', () => {
  test.prop([fc.nat({ max: original.length - 1 }), fc.integer({ min: 1, max: 255 })], { numRuns: 200 })(
    'decodes to exactly the state it held or is refused with a CheckpointError',
    (position, mask) => {
      const corrupted = original.slice();
      corrupted[position] = (corrupted[position] as number) ^ mask;
      let decoded: ServerState;
      try {
        decoded = decodeCheckpoint(corrupted, 'abc', 'ckpt');
      } catch (error) {
        expect(isFedtuneError(error, 'CheckpointError'), String(error)).toBe(true);
        return;
      }
      // Only a change the format cannot see (whitespace in the header's padding) may be read: the
      // state read must then be the one written, bit for bit.
      expect(Buffer.from(encodeCheckpoint(decoded, 'abc')).equals(Buffer.from(original))).toBe(true);
    },
  );
});
