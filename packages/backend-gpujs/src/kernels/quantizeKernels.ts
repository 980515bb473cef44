import type { KernelSpec } from '../runtime/kernelRunner.js';
import { ABSOLUTE_MARGIN, RELATIVE_MARGIN, UNDECIDED, type ThreadContext } from './threadContext.js';

/**
 * QSGD code of one element, or UNDECIDED. p = |x|·(levels/‖x‖₂) is formed in float32;
 * `slack` bounds how far p can be off because a subnormal x was read as zero. The
 * element is left to the host when p lies within the error margin of an integer (the floor could
 * differ) or of the uniform draw (the round-up could differ). p < 1 cannot have a floor below 0,
 * so zeros are decided on the GPU unless their draw is within `slack` of zero.
 */
function stochasticQuantizeSource(
  this: ThreadContext,
  x: Float32Array,
  uniforms: Float32Array,
  factor: number,
  slack: number,
  levels: number
): number {
  const i = this.thread.x;
  const value = x[i]!;
  const scaled = Math.abs(value) * factor;
  const lower = Math.floor(scaled);
  const fraction = scaled - lower;
  const margin = scaled * this.constants.relativeMargin! + slack;
  if (lower >= 1 && fraction < margin) return this.constants.undecided!;
  if (fraction > 1 - margin) return this.constants.undecided!;
  const draw = uniforms[i]!;
  if (Math.abs(draw - fraction) <= margin) return this.constants.undecided!;
  let magnitude = lower;
  if (draw < fraction) magnitude = lower + 1;
  magnitude = Math.min(levels, magnitude);
  if (value < 0) return -magnitude;
  return magnitude;
}

/** code·(norm/levels). */
function stochasticDequantizeSource(this: ThreadContext, codes: Float32Array, factor: number): number {
  return codes[this.thread.x]! * factor;
}

/**
 * Grid code of one element, or UNDECIDED. The reference's q = (x − c + R + τR)/(2τR) is
 * o + 2^(bits−1) with o = (x − c)/(2τR), and 2^(bits−1) is an integer, so floor(q) =
 * floor(o) + 2^(bits−1): only o is formed in float32, where it is most precise near the grid's
 * centre. The host made sure R, hence x − c, is within float32's range. An element whose o is
 * within the error margin of an integer (relative, and absolute for the reference's own rounding
 * near the centre) is left to the host. Where x and c read as equal the code
 * is `centerCode`, which the host computed once, when `centerCodeValid` says a difference of
 * subnormals cannot change it.
 */
function gridQuantizeSource(
  this: ThreadContext,
  x: Float32Array,
  center: Float32Array,
  factor: number,
  half: number,
  slack: number,
  largestCode: number,
  centerCode: number,
  centerCodeValid: number
): number {
  const i = this.thread.x;
  const difference = x[i]! - center[i]!;
  if (difference === 0 && centerCodeValid === 1) return centerCode;
  const offset = difference * factor;
  const lower = Math.floor(offset);
  const fraction = offset - lower;
  const margin = Math.abs(offset) * this.constants.relativeMargin! + this.constants.absoluteMargin! + slack;
  if (fraction < margin || fraction > 1 - margin) return this.constants.undecided!;
  return Math.min(largestCode, Math.max(0, lower + half));
}

/** center − R + 2τR·code, with R and 2τR normal float32s the host checked. */
function gridDequantizeSource(
  this: ThreadContext,
  codes: Float32Array,
  center: Float32Array,
  spacing: number,
  radius: number
): number {
  const i = this.thread.x;
  return center[i]! + (codes[i]! * spacing - radius);
}

const DECISION_CONSTANTS = { undecided: UNDECIDED, relativeMargin: RELATIVE_MARGIN };

/** QSGD codes, UNDECIDED where float32 cannot decide. */
export const STOCHASTIC_QUANTIZE: KernelSpec = {
  name: 'stochasticQuantize',
  source: stochasticQuantizeSource as never,
  argumentTypes: {
    x: 'Array',
    uniforms: 'Array',
    factor: 'Float',
    slack: 'Float',
    levels: 'Float',
  },
  constants: DECISION_CONSTANTS,
};

/** QSGD values from codes. */
export const STOCHASTIC_DEQUANTIZE: KernelSpec = {
  name: 'stochasticDequantize',
  source: stochasticDequantizeSource as never,
  argumentTypes: { codes: 'Array', factor: 'Float' },
};

/** Grid codes, UNDECIDED where float32 cannot decide. */
export const GRID_QUANTIZE: KernelSpec = {
  name: 'gridQuantize',
  source: gridQuantizeSource as never,
  argumentTypes: {
    x: 'Array',
    center: 'Array',
    factor: 'Float',
    half: 'Float',
    slack: 'Float',
    largestCode: 'Float',
    centerCode: 'Float',
    centerCodeValid: 'Integer',
  },
  constants: { ...DECISION_CONSTANTS, absoluteMargin: ABSOLUTE_MARGIN },
};

/** Grid values from codes. */
export const GRID_DEQUANTIZE: KernelSpec = {
  name: 'gridDequantize',
  source: gridDequantizeSource as never,
  argumentTypes: { codes: 'Array', center: 'Array', spacing: 'Float', radius: 'Float' },
};
