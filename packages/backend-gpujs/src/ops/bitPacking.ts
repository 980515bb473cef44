import { checkPackBitsArguments, checkUnpackBitsArguments, packedByteLength } from '@fedtune/core';
import { PACK_BITS, UNPACK_BITS } from '../kernels/bitKernels.js';
import type { GpuContext } from '../runtime/gpuContext.js';
import { splitRange } from '../runtime/layout.js';
import { asVector } from '../runtime/outputs.js';

/** Codes of one call start on a group boundary: eight codes fill a whole number of bytes. */
const CODES_PER_GROUP = 8;
/** An unused `high` argument for codes of at most 16 bits (gpu.js needs an array there). */
const NO_HIGH_HALVES = new Float32Array(1);

/**
 * Packs codes LSB-first, identical to the reference: one GPU thread per output byte. Codes travel
 * as 16-bit halves; codes of at most 16 bits are uploaded as they are, wider ones are split on the
 * host.
 */
export function packBits(context: GpuContext, codes: Uint32Array, bitsPerCode: number): Uint8Array {
  checkPackBitsArguments(codes, bitsPerCode);
  const bytes = new Uint8Array(packedByteLength(codes.length, bitsPerCode));
  for (const { start, end } of splitRange(codes.length, codesPerCall(context, bitsPerCode), CODES_PER_GROUP)) {
    const slice = codes.subarray(start, end);
    const [low, high] = bitsPerCode <= 16 ? [slice, NO_HIGH_HALVES] : splitHalves(slice);
    const byteCount = packedByteLength(end - start, bitsPerCode);
    const packed = asVector(context.runner.run(PACK_BITS, [byteCount], [low, high, bitsPerCode, end - start]));
    bytes.set(packed, (start / 8) * bitsPerCode);
  }
  return bytes;
}

/** Inverse of {@link packBits}: one GPU thread per code and 16-bit half, recombined on the host. */
export function unpackBits(context: GpuContext, bytes: Uint8Array, bitsPerCode: number, count: number): Uint32Array {
  checkUnpackBitsArguments(bytes, bitsPerCode, count);
  const codes = new Uint32Array(count);
  for (const { start, end } of splitRange(count, codesPerCall(context, bitsPerCode), CODES_PER_GROUP)) {
    const slice = bytes.subarray(
      (start / 8) * bitsPerCode,
      (start / 8) * bitsPerCode + packedByteLength(end - start, bitsPerCode)
    );
    const low = asVector(context.runner.run(UNPACK_BITS, [end - start], [slice, bitsPerCode, 0]));
    const high =
      bitsPerCode > 16 ? asVector(context.runner.run(UNPACK_BITS, [end - start], [slice, bitsPerCode, 1])) : undefined;
    for (let i = 0; i < low.length; i++) codes[start + i] = low[i]! + (high === undefined ? 0 : high[i]! * 65536);
  }
  return codes;
}

/**
 * Codes of one call: its codes and its bytes must each stay within one call's threads and one
 * upload, which also keeps every code and byte index below 2^24, exact in the kernels' float math.
 */
function codesPerCall(context: GpuContext, bitsPerCode: number): number {
  const limit = Math.min(context.threadsPerCall, context.valuesPerUpload);
  return Math.min(limit, Math.floor((limit * 8) / bitsPerCode));
}

function splitHalves(codes: Uint32Array): [Float32Array, Float32Array] {
  const low = new Float32Array(codes.length);
  const high = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    low[i] = codes[i]! & 0xffff;
    high[i] = codes[i]! >>> 16;
  }
  return [low, high];
}
