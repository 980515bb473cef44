import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../../src/backend/index.js';

const backend = new ReferenceBackend();

const codesWithWidth = fc.integer({ min: 1, max: 32 }).chain((bits) =>
  fc.tuple(
    fc.array(fc.integer({ min: 0, max: 2 ** bits - 1 }), { maxLength: 50 }).map((codes) => Uint32Array.from(codes)),
    fc.constant(bits)
  )
);

describe('packBits', () => {
  it('packs 3-bit codes LSB-first (worked by hand)', () => {
    // codes 5 = 101, 3 = 011, 7 = 111 fill stream bits 0..8 as 1,0,1 | 1,1,0 | 1,1,1.
    // byte 0 holds stream bits 0..7 → 0b11_011_101 = 0xdd; byte 1 holds bit 8 → 0x01.
    expect(backend.packBits(Uint32Array.of(5, 3, 7), 3)).toEqual(Uint8Array.of(0xdd, 0x01));
  });

  it('packs 12-bit codes across byte boundaries (worked by hand)', () => {
    // 0xabc then 0x123: stream = bc | (a | 3<<4) | 12 → bytes 0xbc, 0x3a, 0x12
    expect(backend.packBits(Uint32Array.of(0xabc, 0x123), 12)).toEqual(Uint8Array.of(0xbc, 0x3a, 0x12));
  });

  it('packs full 32-bit codes little-endian', () => {
    expect(backend.packBits(Uint32Array.of(0xdeadbeef), 32)).toEqual(Uint8Array.of(0xef, 0xbe, 0xad, 0xde));
  });

  it('uses ceil(n·bits/8) bytes', () => {
    expect(backend.packBits(new Uint32Array(5), 3).length).toBe(2);
    expect(backend.packBits(new Uint32Array(0), 7).length).toBe(0);
    expect(backend.packBits(new Uint32Array(8), 1).length).toBe(1);
  });
});

describe('unpackBits', () => {
  it('reads the worked examples back', () => {
    expect(backend.unpackBits(Uint8Array.of(0xdd, 0x01), 3, 3)).toEqual(Uint32Array.of(5, 3, 7));
    expect(backend.unpackBits(Uint8Array.of(0xbc, 0x3a, 0x12), 12, 2)).toEqual(Uint32Array.of(0xabc, 0x123));
    expect(backend.unpackBits(Uint8Array.of(0xef, 0xbe, 0xad, 0xde), 32, 1)).toEqual(Uint32Array.of(0xdeadbeef));
  });

  test.prop([codesWithWidth])('unpack ∘ pack is the identity', ([codes, bits]) => {
    expect(backend.unpackBits(backend.packBits(codes, bits), bits, codes.length)).toEqual(codes);
  });

  test.prop([fc.integer({ min: 1, max: 32 }), fc.uint8Array({ maxLength: 40 })])(
    'pack ∘ unpack is the identity on whole codes',
    (bits, raw) => {
      // Only byte strings with no padding bits decode to codes that pack back byte for byte.
      const count = Math.floor((raw.length * 8) / bits);
      const bytes = raw.subarray(0, Math.ceil((count * bits) / 8));
      const paddingBits = bytes.length * 8 - count * bits;
      const last = bytes.length - 1;
      if (paddingBits > 0) bytes[last] = bytes[last]! & ((1 << (8 - paddingBits)) - 1);
      expect(backend.packBits(backend.unpackBits(bytes, bits, count), bits)).toEqual(bytes);
    }
  );
});
