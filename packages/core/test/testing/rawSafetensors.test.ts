import { describe, expect, it } from 'vitest';
import { float16ToFloat32 } from '../../src/model/formats/halfFloat.js';
import { float16Bits } from '../../src/testing/rawSafetensors.js';

describe('float16Bits', () => {
  it('gives back the bits of every binary16 number, subnormals, zeros and infinities included', () => {
    const wrong: number[] = [];
    for (let bits = 0; bits <= 0xffff; bits++) {
      const value = float16ToFloat32(bits);
      if (Number.isNaN(value)) expect(Number.isNaN(float16ToFloat32(float16Bits(value)))).toBe(true);
      else if (float16Bits(value) !== bits) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });

  it('rounds to the nearest binary16, ties to even, overflowing to infinity and underflowing to zero', () => {
    const ulpAtOne = 2 ** -10;
    expect(float16ToFloat32(float16Bits(1 + ulpAtOne / 2))).toBe(1);
    expect(float16ToFloat32(float16Bits(1 + (3 * ulpAtOne) / 2))).toBe(1 + 2 * ulpAtOne);
    expect(float16ToFloat32(float16Bits(1 + ulpAtOne * 0.51))).toBe(1 + ulpAtOne);
    expect(float16ToFloat32(float16Bits(65519))).toBe(65504);
    expect(float16ToFloat32(float16Bits(65520))).toBe(Infinity);
    expect(float16ToFloat32(float16Bits(-1e9))).toBe(-Infinity);
    expect(float16ToFloat32(float16Bits(2 ** -25))).toBe(0);
    expect(float16ToFloat32(float16Bits(2 ** -25 * 1.5))).toBe(2 ** -24);
    expect(float16ToFloat32(float16Bits(3 * 2 ** -25))).toBe(2 ** -23);
    expect(Object.is(float16ToFloat32(float16Bits(-1e-30)), -0)).toBe(true);
  });
});
