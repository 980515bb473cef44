import { createFedtuneContainer, MemoryStore, PayloadError, resolveNamed, type EncodeContext } from '@fedtune/core';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  cheaperEncoding,
  decodeSparse,
  encodeSparse,
  indexBits,
  keptCount,
  plugin,
  positionBytes,
  SafariSparseCompressor,
  sparsePayloadBytes,
} from '../src/index.js';
import { backend } from './fixtures.js';

const mask = (bits: number[]) => Uint8Array.from(bits);
const float32Bytes = (...values: number[]) => Array.from(new Uint8Array(Float32Array.from(values).buffer));

describe('kept counts and position sizes', () => {
  it('keeps round((1 − sparsity)·size) entries per tensor, at least one', () => {
    expect(keptCount(10, 0.6)).toBe(4);
    expect(keptCount(10, 0.8)).toBe(2);
    expect(keptCount(3136, 0.6)).toBe(1254);
    expect(keptCount(7, 0)).toBe(7);
    expect(keptCount(3, 0.95)).toBe(1);
    expect(keptCount(0, 0.5)).toBe(0);
  });

  it('addresses positions with ⌈log₂ length⌉ bits, at least one', () => {
    expect([1, 2, 3, 8, 9, 300, 6986].map(indexBits)).toEqual([1, 1, 2, 3, 4, 9, 13]);
  });

  it('picks the cheaper of a bitmap and the index list, the bitmap on a tie', () => {
    // 16 entries: bitmap 2 bytes; indices 4 bits each.
    expect(positionBytes(16, 2)).toEqual({ bitmap: 2, indices: 1 });
    expect(cheaperEncoding(16, 2)).toBe('indices');
    expect(positionBytes(16, 4)).toEqual({ bitmap: 2, indices: 2 });
    expect(cheaperEncoding(16, 4)).toBe('bitmap');
    expect(cheaperEncoding(16, 8)).toBe('bitmap');
    // 14-byte header + positions + 4 bytes per kept value.
    expect(sparsePayloadBytes(16, 2)).toBe(14 + 1 + 8);
    expect(sparsePayloadBytes(16, 8)).toBe(14 + 2 + 32);
    // 6,986 values (LoRA r=4 on the quickstart MLP), 13-bit indices: 60% pruned sends a bitmap, 95% indices.
    expect(cheaperEncoding(6986, keptCount(6986, 0.6))).toBe('bitmap');
    expect(cheaperEncoding(6986, keptCount(6986, 0.95))).toBe('indices');
  });
});

describe('the sparse payload', () => {
  it('matches a hand-packed bitmap payload byte for byte', () => {
    const values = Float32Array.of(0, -3, 0, 0.5, 0, 0, 2, 0);
    const payload = encodeSparse(values, mask([0, 1, 0, 1, 0, 0, 1, 0]), backend);
    // Bits 1, 3 and 6 set: 0b01001010 = 74; three 3-bit indices would need 2 bytes, the bitmap 1.
    expect(Array.from(payload)).toEqual([
      ...[83, 65, 70, 82, 1], // "SAFR", version 1
      ...[8, 0, 0, 0],
      ...[3, 0, 0, 0],
      0, // bitmap
      74,
      ...float32Bytes(-3, 0.5, 2),
    ]);
    expect(Array.from(decodeSparse(payload, 8, backend))).toEqual([0, -3, 0, 0.5, 0, 0, 2, 0]);
  });

  it('matches a hand-packed index payload byte for byte', () => {
    const values = new Float32Array(300);
    values[5] = 1.5;
    values[299] = -0.25;
    const bits = new Array<number>(300).fill(0);
    bits[5] = 1;
    bits[299] = 1;
    const payload = encodeSparse(values, mask(bits), backend);
    // Two 9-bit indices, LSB first: 5 = 0b000000101, 299 = 0b100101011 → bytes 5, (43 << 1) = 86, 2.
    // The bitmap would take 38 bytes.
    expect(Array.from(payload)).toEqual([
      ...[83, 65, 70, 82, 1],
      ...[44, 1, 0, 0],
      ...[2, 0, 0, 0],
      1, // indices
      ...[5, 86, 2],
      ...float32Bytes(1.5, -0.25),
    ]);
    expect(payload.byteLength).toBe(sparsePayloadBytes(300, 2));
    const decoded = decodeSparse(payload, 300, backend);
    expect([decoded[5], decoded[299], decoded.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0)]).toEqual([1.5, -0.25, 2]);
  });

  test.prop([
    fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 400 }),
    fc.array(fc.boolean(), { minLength: 400, maxLength: 400 }),
  ])('decodes to the kept values and zero elsewhere, in exactly the cheaper size', (raw, keep) => {
    const values = Float32Array.from(raw);
    const bits = mask(raw.map((_, i) => (keep[i] ? 1 : 0)));
    const kept = bits.reduce((n, b) => n + b, 0);
    const payload = encodeSparse(values, bits, backend);
    const { bitmap, indices } = positionBytes(values.length, kept);
    expect(payload.byteLength).toBe(14 + Math.min(bitmap, indices) + 4 * kept);
    const decoded = decodeSparse(payload, values.length, backend);
    expect(Array.from(decoded)).toEqual(Array.from(values, (v, i) => (bits[i] === 1 ? v : 0)));
  });

  it('rejects foreign, truncated and inconsistent payloads', () => {
    const good = encodeSparse(Float32Array.of(0, -3, 0, 0.5, 0, 0, 2, 0), mask([0, 1, 0, 1, 0, 0, 1, 0]), backend);
    const altered = (at: number, byte: number) => Uint8Array.from(good, (b, i) => (i === at ? byte : b));
    expect(() => decodeSparse(altered(0, 81), 8, backend)).toThrow(PayloadError); // tag
    expect(() => decodeSparse(good.subarray(0, good.length - 1), 8, backend)).toThrow(/truncated/);
    expect(() => decodeSparse(good, 9, backend)).toThrow(/carries 8 values, the model has 9/);
    expect(() => decodeSparse(altered(14, 75), 8, backend)).toThrow(/bitmap marks 4 values, header says 3/);
    expect(() => decodeSparse(altered(13, 7), 8, backend)).toThrow(/unknown position encoding 7/);
    expect(() => decodeSparse(altered(9, 9), 8, backend)).toThrow(/keeps 9 of only 8/);
    // Indices out of order: swap 5 and 299 of the index payload.
    const values = new Float32Array(300);
    values[5] = 1;
    values[299] = 1;
    const indexPayload = encodeSparse(
      values,
      Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0)),
      backend,
    );
    const swapped = indexPayload.slice();
    swapped.set(backend.packBits(Uint32Array.of(299, 5), 9), 14);
    expect(() => decodeSparse(swapped, 300, backend)).toThrow(/index 5 at position 1 is out of order/);
  });
});

describe('SafariSparseCompressor', () => {
  const layout = [
    { name: 'a', shape: [5] },
    { name: 'b', shape: [2, 2] },
  ];
  const context = (withLayout: boolean): EncodeContext => ({
    seed: 1,
    round: 0,
    clientId: 0,
    backend,
    memory: new MemoryStore().of('compressor', 0),
    trainLoss: 0,
    ...(withLayout ? { layout } : {}),
  });

  it('keeps the top entries of each tensor, not of the whole update', () => {
    // Sparsity 0.6: tensor a (5 entries) keeps 2, tensor b (4 entries) keeps round(1.6) = 2.
    // a: −5 and 3 win.  b: 4 wins, and |1| = |−1| tie for the second place: the lower index (1) stays.
    const update = Float32Array.of(0.1, -5, 3, 0, 2, 1, -1, 0.5, 4);
    const compressor = new SafariSparseCompressor(0.6);
    const payload = compressor.encode(update, context(true));
    expect(Array.from(compressor.decode(payload, 9, context(true)))).toEqual([0, -5, 3, 0, 0, 1, 0, 0, 4]);
    // Without a layout the update is one tensor: the top round(0.4·9) = 4 overall.
    const whole = compressor.decode(compressor.encode(update, context(false)), 9, context(false));
    expect(Array.from(whole)).toEqual([0, -5, 3, 0, 2, 0, 0, 0, 4]);
    expect(payload.byteLength).toBe(sparsePayloadBytes(9, 4));
  });

  it('refuses a layout that does not match the update', () => {
    expect(() => new SafariSparseCompressor(0.5).encode(new Float32Array(8), context(true))).toThrow(
      /layout holds 9 values but the update has 8/,
    );
  });

  test.prop([
    fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
    fc.double({ min: 0, max: 0.99, noNaN: true }),
    fc.integer({ min: 0, max: 1000 }),
  ])('sends exactly the top-ρ entries of every tensor', (sizes, sparsity, seed) => {
    const tensors = sizes.map((size, i) => ({ name: `t${i}`, shape: [size] }));
    const length = sizes.reduce((a, b) => a + b, 0);
    // Distinct magnitudes, so the top set is unique.
    const update = Float32Array.from({ length }, (_, i) => (((i * 7919 + seed) % 997) + 1) * (i % 2 === 0 ? 1 : -1));
    const compressor = new SafariSparseCompressor(sparsity);
    const ctx = { ...context(false), layout: tensors };
    const payload = compressor.encode(update, ctx);
    const decoded = compressor.decode(payload, length, ctx);
    let offset = 0;
    let kept = 0;
    for (const size of sizes) {
      const sent = Array.from(decoded.subarray(offset, offset + size));
      const original = Array.from(update.subarray(offset, offset + size));
      const keep = keptCount(size, sparsity);
      const threshold = original.map(Math.abs).sort((a, b) => b - a)[keep - 1] as number;
      expect(sent.filter((v) => v !== 0)).toHaveLength(keep);
      expect(sent).toEqual(original.map((v) => (Math.abs(v) >= threshold ? v : 0)));
      offset += size;
      kept += keep;
    }
    expect(payload.byteLength).toBe(sparsePayloadBytes(length, kept));
  });

  it('is registered as safari-sparse with sparsity 0.6 by default, and validates its options', () => {
    const container = createFedtuneContainer();
    plugin.register(container);
    const factory = resolveNamed(container, 'compressor', 'safari-sparse');
    const ctx = { seed: 0, numClients: 4 };
    expect((factory.create({}, ctx) as SafariSparseCompressor).sparsity).toBe(0.6);
    expect((factory.create({ sparsity: 0.95 }, ctx) as SafariSparseCompressor).sparsity).toBe(0.95);
    expect(() => factory.create({ sparsity: 1 }, ctx)).toThrow(/compressor safari-sparse: options.sparsity/);
    expect(() => factory.create({ sparsty: 0.5 }, ctx)).toThrow(/sparsty/);
  });
});
