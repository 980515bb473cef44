import { ConfigError, createFedtuneContainer, PayloadError, resolveNamed } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import plugin, {
  bitWidthRuleOf,
  DEFAULT_MAX_RELATIVE_ERROR,
  GRID_HEADER_BYTES,
  parseAquilaCompressorOptions,
} from '../src/index.js';
import { backend, codecContext, factoryContext, freshMemory } from './helpers.js';

const container = createFedtuneContainer();
plugin.register(container);
const create = (name: string, options: Record<string, unknown> = {}) =>
  resolveNamed(container, 'compressor', name).create(options, factoryContext);

describe('aquila compressor', () => {
  it('sends a 14-byte header (b, R, length) and the codes packed at b* bits (hand-checked)', () => {
    // q = 0, g = (4, 1, 1, 1): R = 4, ratio 4·2/√19 = 1.835, log₂(2.835) = 1.50 → b* = 1, so the grid is
    // {−4, 4} and each value goes to the nearer end: codes (1, 1, 1, 1), one byte 0b1111.
    const aquila = create('aquila');
    const payload = aquila.encode(Float32Array.of(4, 1, 1, 1), codecContext(freshMemory()));
    expect(payload.byteLength).toBe(GRID_HEADER_BYTES + 1);
    expect(String.fromCharCode(...payload.subarray(0, 4))).toBe('AQLA');
    expect(payload[5]).toBe(1); // b
    expect(new DataView(payload.buffer, payload.byteOffset).getFloat32(6, true)).toBe(4); // R
    expect(new DataView(payload.buffer, payload.byteOffset).getUint32(10, true)).toBe(4); // length
    expect(payload[14]).toBe(0b1111);
    expect(Array.from(aquila.decode(payload, 4, codecContext(freshMemory())))).toEqual([4, 4, 4, 4]);
  });

  it('keeps the client and server copies of the last upload identical over a sequence of rounds', () => {
    const aquila = create('aquila');
    const client = freshMemory('compressor');
    const server = freshMemory('compressor');
    let previous: Float32Array = new Float32Array(50);
    for (let round = 0; round < 6; round++) {
      const update = new Float32Array(50).map(
        (_, i) => Math.sin(i * (round + 1)) * (1 + round) + (i === round ? 5 : 0),
      );
      const payload = aquila.encode(update, codecContext(client, round));
      const decoded = aquila.decode(payload, 50, codecContext(server, round));
      expect(decoded).toEqual(client.get('lastUpload'));
      expect(decoded).toEqual(server.get('lastUpload'));
      // The grid is centred on the last upload: R is the innovation's largest entry.
      const radius = new DataView(payload.buffer, payload.byteOffset).getFloat32(6, true);
      expect(radius).toBe(Math.fround(backend.normInf(backend.axpy(-1, previous, update))));
      const bits = payload[5]!;
      expect(payload.byteLength).toBe(GRID_HEADER_BYTES + Math.ceil((50 * bits) / 8));
      previous = decoded;
    }
  });

  it('rejects foreign, truncated or mis-sized payloads', () => {
    const aquila = create('aquila');
    const laqPayload = create('laq').encode(Float32Array.of(1, 2), codecContext(freshMemory()));
    expect(() => aquila.decode(laqPayload, 2, codecContext(freshMemory()))).toThrow(/tag is "LAQG", expected "AQLA"/);
    const payload = aquila.encode(Float32Array.of(1, 2, 3), codecContext(freshMemory()));
    expect(() => aquila.decode(payload, 4, codecContext(freshMemory()))).toThrow(/carries 3 values, the model has 4/);
    expect(() => aquila.decode(payload.subarray(0, payload.length - 1), 3, codecContext(freshMemory()))).toThrow(
      PayloadError,
    );
    const badBits = payload.slice();
    badBits[5] = 17;
    expect(() => aquila.decode(badBits, 3, codecContext(freshMemory()))).toThrow(/bit width 17, allowed 1..16/);
  });

  it('applies b* and the applied protocol by default, and refuses bad options naming the fix', () => {
    expect(parseAquilaCompressorOptions({})).toEqual({ protocol: 'applied', bitWidth: 'bStar' });
    expect(bitWidthRuleOf(parseAquilaCompressorOptions({ bitWidth: 'bStarPlusOne' }))).toBe('bStarPlusOne');
    expect(bitWidthRuleOf(parseAquilaCompressorOptions({ bitWidth: 'relativeError' }))).toEqual({ maxRelativeError: DEFAULT_MAX_RELATIVE_ERROR });
    expect(bitWidthRuleOf(parseAquilaCompressorOptions({ bitWidth: 'relativeError', maxRelativeError: 0.25 }))).toEqual({ maxRelativeError: 0.25 });
    expect(() => create('aquila', { bits: 4 })).toThrow(ConfigError);
    expect(() => create('aquila', { protocol: 'paper' })).toThrow(/options\.protocol/);
    expect(() => create('aquila', { bitWidth: 'bStarPlusTwo' })).toThrow(/options\.bitWidth/);
    expect(() => create('aquila', { bitWidth: 'relativeError', maxRelativeError: 0 })).toThrow(/options\.maxRelativeError/);
    expect(() => create('aquila', { bitWidth: 'relativeError', maxRelativeError: 1.5 })).toThrow(/options\.maxRelativeError/);
    expect(() => create('aquila', { maxRelativeError: 0.5 })).toThrow(/set bitWidth to "relativeError" or remove maxRelativeError/);
  });
});

describe('laq compressor', () => {
  it('uses the fixed bit width: 14 + ⌈d·b/8⌉ bytes', () => {
    const laq = create('laq', { bits: 3 });
    const payload = laq.encode(
      new Float32Array(10).map((_, i) => i - 4.5),
      codecContext(freshMemory()),
    );
    expect(payload[5]).toBe(3);
    expect(payload.byteLength).toBe(GRID_HEADER_BYTES + 4);
    expect(create('laq').encode(new Float32Array(10).fill(1), codecContext(freshMemory())).byteLength).toBe(
      GRID_HEADER_BYTES + Math.ceil((10 * 6) / 8),
    );
  });

  it('refuses a payload sent with another bit width, and bad options', () => {
    const payload = create('laq', { bits: 4 }).encode(Float32Array.of(1, 2), codecContext(freshMemory()));
    expect(() => create('laq', { bits: 6 }).decode(payload, 2, codecContext(freshMemory()))).toThrow(
      /sent with 4 bits, receiver uses 6/,
    );
    expect(() => create('laq', { bits: 0 })).toThrow(/options\.bits/);
    expect(() => create('laq', { bits: 17 })).toThrow(ConfigError);
    expect(() => create('laq', { bitz: 4 })).toThrow(ConfigError);
  });
});
