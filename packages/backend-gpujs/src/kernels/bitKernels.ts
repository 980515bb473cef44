import type { KernelSpec } from '../runtime/kernelRunner.js';
import type { ThreadContext } from './threadContext.js';

/*
 * Bit packing without integer instructions (WebGL1 has none): eight codes of `bits` bits fill
 * exactly `bits` bytes, so each thread works inside one such group, where every position is a
 * small integer. Quotients are taken with float division and corrected by their remainder, and
 * bits are read by multiplying by exact powers of one half, so the result does not depend on how
 * accurately a GPU divides. Codes travel as 16-bit halves, which float32 holds exactly.
 */

/** Byte j of the packed stream: bits 8j..8j+7, LSB first. */
function packBitsSource(
  this: ThreadContext,
  low: Float32Array,
  high: Float32Array,
  bits: number,
  count: number
): number {
  const j = this.thread.x;
  let group = Math.floor(j / bits);
  let byteInGroup = j - group * bits;
  if (byteInGroup < 0) {
    group -= 1;
    byteInGroup += bits;
  }
  if (byteInGroup >= bits) {
    group += 1;
    byteInGroup -= bits;
  }
  let byte = 0.0;
  let weight = 1.0;
  for (let p = 0; p < 8; p++) {
    const streamBit = byteInGroup * 8 + p;
    let codeInGroup = Math.floor(streamBit / bits);
    let bitInCode = streamBit - codeInGroup * bits;
    if (bitInCode < 0) {
      codeInGroup -= 1;
      bitInCode += bits;
    }
    if (bitInCode >= bits) {
      codeInGroup += 1;
      bitInCode -= bits;
    }
    const code = group * 8 + codeInGroup;
    if (code < count) {
      let half = low[code]!;
      let shift = bitInCode;
      if (bitInCode >= 16) {
        half = high[code]!;
        shift = bitInCode - 16;
      }
      let scale = 1.0;
      for (let s = 0; s < shift; s++) scale *= 0.5;
      const shifted = Math.floor(half * scale);
      byte += (shifted - 2.0 * Math.floor(shifted * 0.5)) * weight;
    }
    weight *= 2.0;
  }
  return byte;
}

/** Bits [16·halfIndex, min(bits, 16·halfIndex + 16)) of code i, as an integer below 2^16. */
function unpackBitsSource(this: ThreadContext, bytes: Float32Array, bits: number, halfIndex: number): number {
  const i = this.thread.x;
  let group = Math.floor(i / 8);
  let codeInGroup = i - group * 8;
  if (codeInGroup < 0) {
    group -= 1;
    codeInGroup += 8;
  }
  if (codeInGroup >= 8) {
    group += 1;
    codeInGroup -= 8;
  }
  const first = halfIndex * 16;
  const span = Math.min(bits, first + 16) - first;
  let value = 0.0;
  let weight = 1.0;
  for (let t = 0; t < span; t++) {
    const streamBit = codeInGroup * bits + first + t;
    let byteInGroup = Math.floor(streamBit / 8);
    let bitInByte = streamBit - byteInGroup * 8;
    if (bitInByte < 0) {
      byteInGroup -= 1;
      bitInByte += 8;
    }
    if (bitInByte >= 8) {
      byteInGroup += 1;
      bitInByte -= 8;
    }
    const byte = bytes[group * bits + byteInGroup]!;
    let scale = 1.0;
    for (let s = 0; s < bitInByte; s++) scale *= 0.5;
    const shifted = Math.floor(byte * scale);
    value += (shifted - 2.0 * Math.floor(shifted * 0.5)) * weight;
    weight *= 2.0;
  }
  return value;
}

/** Packed bytes from codes given as 16-bit halves. */
export const PACK_BITS: KernelSpec = {
  name: 'packBits',
  source: packBitsSource as never,
  argumentTypes: { low: 'Array', high: 'Array', bits: 'Integer', count: 'Integer' },
};

/** One 16-bit half of each unpacked code. */
export const UNPACK_BITS: KernelSpec = {
  name: 'unpackBits',
  source: unpackBitsSource as never,
  argumentTypes: { bytes: 'Array', bits: 'Integer', halfIndex: 'Integer' },
};
