import { checkPackBitsArguments, checkUnpackBitsArguments, packedByteLength } from '../kernelArgumentChecks.js';

/**
 * Packs each code's `bitsPerCode` bits, LSB-first, into ceil(n·bits/8) bytes; see `Backend.packBits`.
 * Code i occupies stream bits i·bits .. i·bits + bits − 1, where stream bit j is bit (j mod 8) of
 * byte floor(j/8) and the code's least significant bit comes first. Unused high bits of the last
 * byte are 0.
 */
export function packBits(codes: Uint32Array, bitsPerCode: number): Uint8Array {
  checkPackBitsArguments(codes, bitsPerCode);
  const bytes = new Uint8Array(packedByteLength(codes.length, bitsPerCode));
  let bitPosition = 0;
  for (let i = 0; i < codes.length; i++) {
    let remaining = codes[i]!;
    let bitsLeft = bitsPerCode;
    // A code straddles at most five bytes; each step fills what is free of the current byte.
    while (bitsLeft > 0) {
      const offsetInByte = bitPosition & 7;
      const chunkBits = Math.min(8 - offsetInByte, bitsLeft);
      bytes[bitPosition >>> 3]! |= (remaining & lowBitsMask(chunkBits)) << offsetInByte;
      remaining >>>= chunkBits;
      bitsLeft -= chunkBits;
      bitPosition += chunkBits;
    }
  }
  return bytes;
}

/** The `count` codes packed by `packBits`; see `Backend.unpackBits`. */
export function unpackBits(bytes: Uint8Array, bitsPerCode: number, count: number): Uint32Array {
  checkUnpackBitsArguments(bytes, bitsPerCode, count);
  const codes = new Uint32Array(count);
  let bitPosition = 0;
  for (let i = 0; i < count; i++) {
    let code = 0;
    let bitsRead = 0;
    while (bitsRead < bitsPerCode) {
      const offsetInByte = bitPosition & 7;
      const chunkBits = Math.min(8 - offsetInByte, bitsPerCode - bitsRead);
      const chunk = (bytes[bitPosition >>> 3]! >>> offsetInByte) & lowBitsMask(chunkBits);
      code |= chunk << bitsRead;
      bitsRead += chunkBits;
      bitPosition += chunkBits;
    }
    // `|` works on int32, so a 32-bit code with its top bit set is negative until stored as uint32.
    codes[i] = code >>> 0;
  }
  return codes;
}

/** An integer with the low `bits` bits set, for 0 ≤ bits ≤ 8. */
function lowBitsMask(bits: number): number {
  return (1 << bits) - 1;
}
