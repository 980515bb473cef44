import fc from 'fast-check';
import type { Backend } from '../contracts/backend.js';
import { position } from './arbitraries.js';
import { assertSameError } from './checks.js';
import type { Suite } from './suite.js';

/** A kernel call with one input that can be replaced by a bad value. */
interface PoisonableCall {
  /** `kernel(argument)`, for test names and messages. */
  name: string;
  /** Length of the poisoned array, or 0 for a scalar. */
  length: number;
  /** The call with `bad` written at `index` of that argument (or as that scalar). */
  call(backend: Backend, bad: number, index: number): unknown;
}

/** Non-finite values every kernel must reject. */
const NON_FINITE = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

/** Length of the vectors in the bad calls. */
const n = 7;
/** A fresh valid vector: −3.5, −2.5, …, 2.5. */
const values = (): Float32Array => Float32Array.from({ length: n }, (_, i) => i - 3.5);
/** A copy of `array` with `bad` at `index`. */
const poisoned = (array: Float32Array, index: number, bad: number): Float32Array => {
  const copy = array.slice();
  copy[index] = bad;
  return copy;
};

/** Every float input of every kernel, each poisonable on its own. */
const POISONABLE: readonly PoisonableCall[] = [
  {
    name: 'matmul(a)',
    length: 6,
    call: (b, bad, i) =>
      b.matmul(poisoned(values().subarray(0, 6), i, bad), values().subarray(0, 6), { m: 2, k: 3, n: 2 }),
  },
  {
    name: 'matmul(b)',
    length: 6,
    call: (b, bad, i) =>
      b.matmul(values().subarray(0, 6), poisoned(values().subarray(0, 6), i, bad), {
        m: 2,
        k: 3,
        n: 2,
        transposeB: true,
      }),
  },
  { name: 'axpy(alpha)', length: 0, call: (b, bad) => b.axpy(bad, values(), values()) },
  { name: 'axpy(x)', length: n, call: (b, bad, i) => b.axpy(2, poisoned(values(), i, bad), values()) },
  { name: 'axpy(y)', length: n, call: (b, bad, i) => b.axpy(2, values(), poisoned(values(), i, bad)) },
  { name: 'scale(alpha)', length: 0, call: (b, bad) => b.scale(bad, values()) },
  { name: 'scale(x)', length: n, call: (b, bad, i) => b.scale(2, poisoned(values(), i, bad)) },
  {
    name: 'weightedSum(weights)',
    length: 2,
    call: (b, bad, i) => b.weightedSum([values(), values()], i === 0 ? [bad, 1] : [1, bad]),
  },
  {
    name: 'weightedSum(vectors[1])',
    length: n,
    call: (b, bad, i) => b.weightedSum([values(), poisoned(values(), i, bad)], [1, 1]),
  },
  { name: 'dot(x)', length: n, call: (b, bad, i) => b.dot(poisoned(values(), i, bad), values()) },
  { name: 'dot(y)', length: n, call: (b, bad, i) => b.dot(values(), poisoned(values(), i, bad)) },
  { name: 'norm2(x)', length: n, call: (b, bad, i) => b.norm2(poisoned(values(), i, bad)) },
  { name: 'normInf(x)', length: n, call: (b, bad, i) => b.normInf(poisoned(values(), i, bad)) },
  {
    name: 'pairwiseSquaredEuclidean(rows)',
    length: 6,
    call: (b, bad, i) => b.pairwiseSquaredEuclidean(poisoned(values().subarray(0, 6), i, bad), 3, 2),
  },
  {
    name: 'pairwiseCosine(rows)',
    length: 6,
    call: (b, bad, i) => b.pairwiseCosine(poisoned(values().subarray(0, 6), i, bad), 2, 3),
  },
  {
    name: 'stochasticQuantize(x)',
    length: n,
    call: (b, bad, i) => b.stochasticQuantize(poisoned(values(), i, bad), 3, new Float32Array(n).fill(0.5)),
  },
  {
    name: 'stochasticQuantize(uniforms)',
    length: n,
    call: (b, bad, i) => b.stochasticQuantize(values(), 3, poisoned(new Float32Array(n).fill(0.5), i, bad)),
  },
  {
    name: 'stochasticDequantize(norm)',
    length: 0,
    call: (b, bad) => b.stochasticDequantize({ norm: bad, codes: new Int32Array(n) }, 3),
  },
  { name: 'gridQuantize(x)', length: n, call: (b, bad, i) => b.gridQuantize(poisoned(values(), i, bad), values(), 4) },
  {
    name: 'gridQuantize(center)',
    length: n,
    call: (b, bad, i) => b.gridQuantize(values(), poisoned(values(), i, bad), 4),
  },
  {
    name: 'gridDequantize(radius)',
    length: 0,
    call: (b, bad) => b.gridDequantize({ radius: bad, codes: new Uint32Array(n) }, values(), 4),
  },
  {
    name: 'gridDequantize(center)',
    length: n,
    call: (b, bad, i) => b.gridDequantize({ radius: 1, codes: new Uint32Array(n) }, poisoned(values(), i, bad), 4),
  },
  { name: 'topKMask(x)', length: n, call: (b, bad, i) => b.topKMask(poisoned(values(), i, bad), 3) },
  { name: 'magnitudeMask(x)', length: n, call: (b, bad, i) => b.magnitudeMask(poisoned(values(), i, bad), 1) },
  { name: 'magnitudeMask(threshold)', length: 0, call: (b, bad) => b.magnitudeMask(values(), bad) },
  {
    name: 'maskedApply(x)',
    length: n,
    call: (b, bad, i) => b.maskedApply(poisoned(values(), i, bad), new Uint8Array(n).fill(1)),
  },
];

/** Calls with a wrong shape, length or option; each must fail with the reference's error. */
const MALFORMED: readonly { name: string; call(backend: Backend): unknown }[] = [
  {
    name: 'matmul with a too short',
    call: (b) => b.matmul(values().subarray(0, 5), values().subarray(0, 6), { m: 2, k: 3, n: 2 }),
  },
  { name: 'matmul with a fractional dimension', call: (b) => b.matmul(values(), values(), { m: 1.5, k: 2, n: 1 }) },
  { name: 'axpy with unequal lengths', call: (b) => b.axpy(1, values(), values().subarray(1)) },
  { name: 'weightedSum of no vectors', call: (b) => b.weightedSum([], []) },
  { name: 'weightedSum with a weight missing', call: (b) => b.weightedSum([values(), values()], [1]) },
  { name: 'dot with unequal lengths', call: (b) => b.dot(values(), values().subarray(2)) },
  { name: 'pairwiseCosine with rows ≠ n·d', call: (b) => b.pairwiseCosine(values(), 2, 3) },
  { name: 'stochasticQuantize with 0 levels', call: (b) => b.stochasticQuantize(values(), 0, new Float32Array(n)) },
  {
    name: 'stochasticQuantize with a uniform of 1',
    call: (b) => b.stochasticQuantize(values(), 3, new Float32Array(n).fill(1)),
  },
  {
    name: 'stochasticDequantize with a code beyond levels',
    call: (b) => b.stochasticDequantize({ norm: 1, codes: Int32Array.of(4) }, 3),
  },
  { name: 'gridQuantize with 17 bits', call: (b) => b.gridQuantize(values(), values(), 17) },
  {
    name: 'gridDequantize with a negative radius',
    call: (b) => b.gridDequantize({ radius: -1, codes: new Uint32Array(n) }, values(), 4),
  },
  { name: 'topKMask with k > n', call: (b) => b.topKMask(values(), n + 1) },
  { name: 'maskedApply with a short mask', call: (b) => b.maskedApply(values(), new Uint8Array(n - 1)) },
  { name: 'packBits with a code wider than bitsPerCode', call: (b) => b.packBits(Uint32Array.of(1, 8), 3) },
  { name: 'unpackBits with a byte missing', call: (b) => b.unpackBits(new Uint8Array(2), 5, 4) },
];

/** Registers the error properties: every bad call fails with the reference's class and message. */
export function describeErrors(suite: Suite): void {
  const { reference, seed } = suite.settings;
  suite.group('bad inputs fail with the reference error, class and message', () => {
    suite.test('NaN, +Infinity or −Infinity in any float input, at any position', () => {
      for (const poisonable of POISONABLE) {
        for (const bad of NON_FINITE) {
          fc.assert(
            fc.property(position(poisonable.length), (index) => {
              assertSameError(
                `${poisonable.name} with ${bad} at ${index}`,
                () => poisonable.call(suite.backend(), bad, index),
                () => poisonable.call(reference, bad, index)
              );
            }),
            { numRuns: 3, ...(seed === undefined ? {} : { seed }) }
          );
        }
      }
    });

    suite.test('wrong shapes, lengths and options', () => {
      for (const malformed of MALFORMED) {
        assertSameError(
          malformed.name,
          () => malformed.call(suite.backend()),
          () => malformed.call(reference)
        );
      }
    });
  });
}
