import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../../../src/backend/index.js';
import { noneCompressorFactory } from '../../../src/builtins/compressors/noneCompressor.js';
import { QsgdCompressor } from '../../../src/builtins/compressors/qsgdCompressor.js';
import type { Compressor } from '../../../src/contracts/compressor.js';
import { MemoryStore } from '../../../src/engine/memoryStore.js';
import { encodeFloat32Payload, float32PayloadBytes } from '../../../src/wire/float32Payload.js';
import {
  encodeMessage,
  MAX_FINGERPRINT_CHARS,
  MAX_TEXT_BYTES,
  MAX_TOKEN_BYTES,
  MAX_VERSION_BYTES,
  maxFrameBytes,
  uploadPayloadBound,
  type FrameLimits,
  type ProtocolMessage,
} from '../../../src/wire/protocol/index.js';

const backend = new ReferenceBackend();
const longest = (bytes: number) => 'x'.repeat(bytes);
const address = { runIndex: 0xffff_ffff, round: 0xffff_ffff, clientId: 0xffff_ffff, slot: 0xffff_ffff };

/** The largest legal frame of every message type under `limits`, as the encoder writes them. */
function largestFrames(limits: Required<FrameLimits>): Record<ProtocolMessage['type'], number> {
  const { vectorLength, experimentJsonBytes, clientCount, largestUploadBytes } = limits;
  const ids = Array.from({ length: clientCount }, (_, i) => i);
  const vector = encodeFloat32Payload(new Float32Array(vectorLength));
  const upload = { type: 'upload', ...address, loss: 1, samples: 1, values: vectorLength } as const;
  const frames: ProtocolMessage[] = [
    {
      type: 'join',
      coreVersion: longest(MAX_VERSION_BYTES),
      clients: ids.map((clientId) => ({ clientId, token: longest(MAX_TOKEN_BYTES) })),
    },
    {
      type: 'welcome',
      experimentJson: longest(experimentJsonBytes),
      fingerprint: 'f'.repeat(MAX_FINGERPRINT_CHARS),
      clientIds: ids,
    },
    { type: 'refused', reason: 'malformed', message: longest(MAX_TEXT_BYTES) },
    { type: 'runStart', runIndex: 0, label: longest(MAX_TEXT_BYTES), restoreRound: 0 },
    { type: 'assign', ...address, forced: true, start: vector, previousGlobal: vector },
    { ...upload, outcome: 'sent', payload: new Uint8Array(largestUploadBytes) },
    { ...upload, outcome: 'diverged', reason: longest(MAX_TEXT_BYTES) },
    { type: 'roundEnd', runIndex: 0, round: 0, checkpoint: true },
    { type: 'finish' },
    { type: 'error', code: 'internal', message: longest(MAX_TEXT_BYTES) },
  ];
  const sizes = {} as Record<ProtocolMessage['type'], number>;
  for (const message of frames) {
    sizes[message.type] = Math.max(sizes[message.type] ?? 0, encodeMessage(message).byteLength);
  }
  return sizes;
}

describe('maxFrameBytes', () => {
  // Each set makes another message the largest: an upload's divergence reason, the assign, an upload's
  // payload, the join, the welcome.
  const cases: [largest: string, limits: Required<FrameLimits>][] = [
    ['upload', { vectorLength: 4, experimentJsonBytes: 100, clientCount: 2, largestUploadBytes: 40 }],
    ['assign', { vectorLength: 1000, experimentJsonBytes: 100, clientCount: 2, largestUploadBytes: 100 }],
    [
      'upload',
      { vectorLength: 1000, experimentJsonBytes: 100, clientCount: 2, largestUploadBytes: uploadPayloadBound(1000) },
    ],
    ['join', { vectorLength: 10, experimentJsonBytes: 100, clientCount: 40, largestUploadBytes: 100 }],
    ['welcome', { vectorLength: 10, experimentJsonBytes: 20_000, clientCount: 3, largestUploadBytes: 100 }],
  ];

  it.each(cases)('is exactly the largest legal frame (here the %s)', (largest, limits) => {
    const sizes = largestFrames(limits);
    const bound = maxFrameBytes(limits);
    expect(Math.max(...Object.values(sizes))).toBe(bound);
    expect(sizes[largest as ProtocolMessage['type']]).toBe(bound);
  });

  it('bounds the upload by uploadPayloadBound unless told the largest payload', () => {
    const limits = { vectorLength: 5000, experimentJsonBytes: 10, clientCount: 1 };
    expect(maxFrameBytes(limits)).toBe(maxFrameBytes({ ...limits, largestUploadBytes: uploadPayloadBound(5000) }));
  });

  it('refuses a limit that is not a non-negative integer', () => {
    expect(() => maxFrameBytes({ vectorLength: -1, experimentJsonBytes: 10, clientCount: 1 })).toThrow(
      /vectorLength is -1, not an integer ≥ 0/,
    );
    expect(() => maxFrameBytes({ vectorLength: 1, experimentJsonBytes: 1.5, clientCount: 1 })).toThrow(
      /experimentJsonBytes is 1.5/,
    );
  });
});

describe('uploadPayloadBound against core compressors', () => {
  const compressors: [string, Compressor][] = [
    ['none', noneCompressorFactory.create({}, { seed: 1, numClients: 1 })],
    ['qsgd, 1 level', new QsgdCompressor(1)],
    ['qsgd, 15 levels', new QsgdCompressor(15)],
    ['qsgd, 65535 levels (17 bits a value)', new QsgdCompressor(65535)],
  ];

  it.each(compressors)('holds every payload of %s, in an upload frame within maxFrameBytes', (_, compressor) => {
    for (const length of [0, 1, 2, 3, 8, 9, 100, 1001]) {
      const update = Float32Array.from({ length }, (_, i) => Math.sin(i * 1.7) * 10 ** ((i % 7) - 3));
      const memory = new MemoryStore().of('compressor', 0);
      const payload = compressor.encode(update, { seed: 5, round: 0, clientId: 0, backend, memory, trainLoss: 1 });
      expect(payload.byteLength).toBeLessThanOrEqual(uploadPayloadBound(length));
      const frame = encodeMessage({
        type: 'upload',
        runIndex: 0,
        round: 0,
        clientId: 0,
        slot: 0,
        outcome: 'sent',
        loss: 1,
        samples: 1,
        values: length,
        payload,
      });
      expect(frame.byteLength).toBeLessThanOrEqual(
        maxFrameBytes({ vectorLength: length, experimentJsonBytes: 0, clientCount: 1 }),
      );
    }
  });

  it('is twice the float32 payload plus a 64-byte header allowance, and the float32 size is what it encodes', () => {
    for (const length of [0, 1, 1000]) {
      expect(float32PayloadBytes(length)).toBe(encodeFloat32Payload(new Float32Array(length)).byteLength);
      expect(uploadPayloadBound(length)).toBe(2 * (float32PayloadBytes(length) + 64));
    }
  });
});
