import { ConfigError, QsgdCompressor } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import { AdaQuantFlCompressor, adaptivePrecision, levelsFor, parseAdaQuantFlOptions } from '../src/index.js';
import { codecContext, freshMemory } from './helpers.js';

const bits = parseAdaQuantFlOptions({});
const levels = parseAdaQuantFlOptions({ unit: 'levels' });

describe('adaquantfl precision s_k = ⌈√(F₀/F_k)·s₀⌉', () => {
  it('matches hand-worked losses', () => {
    expect(adaptivePrecision(2, 2, bits)).toBe(6); // √1·6
    expect(adaptivePrecision(2, 0.5, bits)).toBe(12); // √4·6
    expect(adaptivePrecision(1, 0.7, bits)).toBe(8); // √(1/0.7)·6 = 7.17
    expect(adaptivePrecision(1, 4, bits)).toBe(3); // the loss rose: √0.25·6
    expect(adaptivePrecision(1, 0.01, bits)).toBe(16); // 60, capped
    expect(adaptivePrecision(1, 0, bits)).toBe(16);
    expect(adaptivePrecision(1, 10_000, bits)).toBe(2); // one magnitude bit at least
    expect(adaptivePrecision(1, 10_000, levels)).toBe(1);
  });

  it('maps bits to QSGD levels 2^(b−1) − 1, and levels to themselves', () => {
    expect(levelsFor(6, 'bits')).toBe(31);
    expect(levelsFor(16, 'bits')).toBe(32767);
    expect(levelsFor(12, 'levels')).toBe(12);
  });
});

describe('adaquantfl compressor', () => {
  it('sends core QSGD payloads whose width follows the client’s loss against its first one', () => {
    const compressor = new AdaQuantFlCompressor(bits);
    const memory = freshMemory();
    const update = new Float32Array(100).map((_, i) => Math.cos(i));
    // First upload at F = 2 fixes F₀ = 2: 6 bits. Later at F = 0.5: 12 bits. 15-byte QSGD header.
    const first = compressor.encode(update, codecContext(memory, 0, 2));
    expect(first.byteLength).toBe(15 + Math.ceil((100 * 6) / 8));
    const later = compressor.encode(update, codecContext(memory, 1, 0.5));
    expect(later.byteLength).toBe(15 + Math.ceil((100 * 12) / 8));
    // The server needs no state: the payload states its level count, and decodes as core QSGD does.
    const decoded = compressor.decode(later, 100, codecContext(freshMemory(), 1));
    expect(decoded).toEqual(new QsgdCompressor(2047).decode(later, 100, codecContext(freshMemory(), 1)));
    expect(Math.max(...decoded.map((v, i) => Math.abs(v - update[i]!)))).toBeLessThan(0.01);
  });

  it('refuses more levels than its cap allows, and bad options', () => {
    const wide = new QsgdCompressor(32767).encode(Float32Array.of(1, -1), codecContext(freshMemory()));
    expect(() => new AdaQuantFlCompressor(levels).decode(wide, 2, codecContext(freshMemory()))).toThrow(
      /32767 levels, this receiver allows 1..16/,
    );
    expect(() => parseAdaQuantFlOptions({ cap: 17 })).toThrow(ConfigError);
    expect(() => parseAdaQuantFlOptions({ s0: 8, cap: 6 })).toThrow(/s0 must not exceed cap/);
    expect(() => parseAdaQuantFlOptions({ s: 6 })).toThrow(ConfigError);
  });
});
