import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ReferenceBackend } from '../../src/backend/index.js';
import { noneCompressorFactory } from '../../src/builtins/compressors/noneCompressor.js';
import { qsgdCompressorFactory } from '../../src/builtins/compressors/qsgdCompressor.js';
import { MemoryStore } from '../../src/engine/memoryStore.js';
import { PayloadError, ConfigError } from '../../src/errors.js';
import { encodeFloat32Payload } from '../../src/wire/float32Payload.js';

const backend = new ReferenceBackend();
const context = (clientId = 3, round = 2) => ({
  seed: 7,
  round,
  clientId,
  backend,
  memory: new MemoryStore().of('compressor', clientId),
  trainLoss: 1,
});
const factoryContext = { seed: 7, numClients: 4 };

describe('none (fp32) compressor', () => {
  const none = noneCompressorFactory.create({}, factoryContext);

  it('sends and reads the float32 wire format', () => {
    const update = Float32Array.of(1.5, -2.25, 0, 3e-40);
    const payload = none.encode(update, context());
    expect(payload).toEqual(encodeFloat32Payload(update));
    expect(none.decode(payload, 4, context())).toEqual(update);
    expect(() => none.decode(payload, 3, context())).toThrow(PayloadError);
  });

  it('rejects options it does not know', () => {
    expect(() => noneCompressorFactory.create({ bits: 8 }, factoryContext)).toThrow(ConfigError);
  });
});

describe('qsgd compressor', () => {
  it('packs 1 + ceil(log2(s+1)) bits per value behind a 15-byte header', () => {
    const qsgd = qsgdCompressorFactory.create({ levels: 15 }, factoryContext);
    const update = new Float32Array(1000).map((_, i) => Math.sin(i));
    const payload = qsgd.encode(update, context());
    // 5 + levels(2) + count(4) + norm(4) = 15 header bytes; 1000 codes × 5 bits = 625 bytes.
    expect(payload.byteLength).toBe(15 + 625);
  });

  it('decodes to values on the norm·ℓ/s grid next to the input', () => {
    const qsgd = qsgdCompressorFactory.create({ levels: 4 }, factoryContext);
    const update = Float32Array.of(3, -4, 0, 0);
    const decoded = qsgd.decode(qsgd.encode(update, context()), 4, context());
    // ‖x‖ = 5: |3|·4/5 = 2.4 → level 2 or 3 → 2.5 or 3.75; |−4|·4/5 = 3.2 → 3.75 or 5 (negative).
    expect([2.5, 3.75]).toContain(decoded[0]);
    expect([-3.75, -5]).toContain(decoded[1]);
    expect(decoded[2]).toBe(0);
    expect(decoded[3]).toBe(0);
  });

  it('is deterministic per (seed, round, client) and differs across clients', () => {
    const qsgd = qsgdCompressorFactory.create({ levels: 2 }, factoryContext);
    const update = new Float32Array(64).map((_, i) => Math.cos(i * 0.7));
    const a = qsgd.encode(update, context(1));
    expect(qsgd.encode(update, context(1))).toEqual(a);
    expect(qsgd.encode(update, context(2))).not.toEqual(a);
  });

  it('round-trips any finite vector to within one level per coordinate', () => {
    fc.assert(
      fc.property(
        fc.float32Array({ noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3, minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 300 }),
        (update, levels) => {
          const qsgd = qsgdCompressorFactory.create({ levels }, factoryContext);
          const decoded = qsgd.decode(qsgd.encode(update, context()), update.length, context());
          const norm = Math.hypot(...update);
          for (let i = 0; i < update.length; i++) {
            expect(Math.abs((decoded[i] as number) - (update[i] as number))).toBeLessThanOrEqual((norm / levels) * 1.0001 + 1e-30);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a payload made with another level count, and another compressor\'s payload', () => {
    const q4 = qsgdCompressorFactory.create({ levels: 4 }, factoryContext);
    const q8 = qsgdCompressorFactory.create({ levels: 8 }, factoryContext);
    const payload = q4.encode(Float32Array.of(1, 2), context());
    expect(() => q8.decode(payload, 2, context())).toThrow(/sent with 4 levels, receiver uses 8/);
    const fp32 = noneCompressorFactory.create({}, factoryContext).encode(Float32Array.of(1, 2), context());
    expect(() => q4.decode(fp32, 2, context())).toThrow(/tag is "FP32", expected "QSGD"/);
  });

  it('validates its options', () => {
    expect(() => qsgdCompressorFactory.create({ levels: 0 }, factoryContext)).toThrow(/compressor qsgd: options.levels/);
  });
});
