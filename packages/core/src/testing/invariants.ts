/**
 * Properties of the integer kernels that follow from the `Backend` contract alone, checked against
 * the kit's own arithmetic. They hold the reference to the contract as much as any other backend.
 */
import type { GridCodes, StochasticCodes } from '../contracts/backend.js';
import { assertContract, assertIdentical } from './checks.js';

/**
 * |code_i| is floor(p_i) or floor(p_i) + 1 with p_i = levels·|x_i|/norm, never beyond levels, with
 * x_i's sign; norm = ‖x‖₂.
 */
export function assertQsgdContract(x: Float32Array, levels: number, result: StochasticCodes): void {
  let sumOfSquares = 0;
  for (const value of x) sumOfSquares += value * value;
  const norm = Math.sqrt(sumOfSquares);
  assertContract(
    'stochasticQuantize',
    Math.abs(result.norm - norm) <= 2 ** -40 * norm,
    () => `norm ${result.norm}, ‖x‖₂ = ${norm}`
  );
  result.codes.forEach((code, i) => {
    const p = norm === 0 ? 0 : (levels * Math.abs(x[i]!)) / norm;
    const step = Math.abs(code) - Math.floor(p);
    assertContract(
      'stochasticQuantize',
      Math.abs(code) <= levels && (step === 0 || step === 1),
      () => `codes[${i}] = ${code} for p = ${p} (levels ${levels})`
    );
    assertContract(
      'stochasticQuantize',
      code === 0 || Math.sign(code) === Math.sign(x[i]!),
      () => `codes[${i}] = ${code} has the wrong sign for x = ${x[i]}`
    );
  });
}

/** R = ‖x − center‖∞ exactly, codes below 2^bits, and each dequantised value within τR of x_i. */
export function assertGridContract(x: Float32Array, center: Float32Array, bits: number, result: GridCodes): void {
  let radius = 0;
  for (let i = 0; i < x.length; i++) radius = Math.max(radius, Math.abs(x[i]! - center[i]!));
  assertContract('gridQuantize', result.radius === radius, () => `radius ${result.radius}, ‖x − center‖∞ = ${radius}`);
  const largestCode = 2 ** bits - 1;
  const spacing = (2 * radius) / largestCode;
  result.codes.forEach((code, i) => {
    const value = center[i]! - radius + spacing * code;
    // The float64 arithmetic of decoding (and of the encoder's decision) rounds at the scale of |c| + R + |x|.
    const rounding = 2 ** -48 * (Math.abs(center[i]!) + radius + Math.abs(x[i]!));
    assertContract(
      'gridQuantize',
      code <= largestCode && Math.abs(value - x[i]!) <= (spacing / 2) * (1 + 2 ** -30) + rounding,
      () => `codes[${i}] = ${code} decodes to ${value}, more than τR = ${spacing / 2} from x = ${x[i]}`
    );
  });
}

/** Exactly k ones; every kept magnitude ≥ every dropped one; among equal magnitudes the kept come first. */
export function assertTopKContract(x: Float32Array, k: number, mask: Uint8Array): void {
  let ones = 0;
  let smallestKept = Number.POSITIVE_INFINITY;
  let lastKeptAtSmallest = -1;
  mask.forEach((bit, i) => {
    assertContract('topKMask', bit === 0 || bit === 1, () => `mask[${i}] = ${bit}`);
    if (bit === 1) {
      ones++;
      smallestKept = Math.min(smallestKept, Math.abs(x[i]!));
    }
  });
  assertContract('topKMask', ones === k, () => `${ones} ones for k = ${k}`);
  mask.forEach((bit, i) => {
    if (bit === 1 && Math.abs(x[i]!) === smallestKept) lastKeptAtSmallest = i;
  });
  mask.forEach((bit, i) => {
    if (bit === 1) return;
    const magnitude = Math.abs(x[i]!);
    assertContract(
      'topKMask',
      magnitude <= smallestKept,
      () => `dropped |x[${i}]| = ${magnitude} above a kept ${smallestKept}`
    );
    assertContract(
      'topKMask',
      magnitude < smallestKept || i > lastKeptAtSmallest,
      () => `dropped index ${i} ties with kept index ${lastKeptAtSmallest} after it`
    );
  });
}

/** mask_i = 1 exactly where |x_i| ≥ threshold. */
export function assertMagnitudeMaskContract(x: Float32Array, threshold: number, mask: Uint8Array): void {
  assertIdentical(
    'magnitudeMask (|x| ≥ threshold)',
    mask,
    Uint8Array.from(x, (value) => (Math.abs(value) >= threshold ? 1 : 0))
  );
}

/** Bit j of the stream is bit (j mod 8) of byte ⌊j/8⌋; code i's bit b is stream bit i·bits + b. */
export function packBitsOracle(codes: Uint32Array, bits: number): Uint8Array {
  const bytes = new Uint8Array(Math.ceil((codes.length * bits) / 8));
  codes.forEach((code, i) => {
    for (let b = 0; b < bits; b++) {
      if (Math.floor(code / 2 ** b) % 2 === 1) bytes[Math.floor((i * bits + b) / 8)]! |= 1 << (i * bits + b) % 8;
    }
  });
  return bytes;
}

/** The inverse of {@link packBitsOracle}, bit by bit. */
export function unpackBitsOracle(bytes: Uint8Array, bits: number, count: number): Uint32Array {
  const codes = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    let code = 0;
    for (let b = 0; b < bits; b++) {
      const streamBit = i * bits + b;
      if ((bytes[Math.floor(streamBit / 8)]! >> streamBit % 8) & 1) code += 2 ** b;
    }
    codes[i] = code;
  }
  return codes;
}
