import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../../src/backend/index.js';
import type { Backend } from '../../src/contracts/backend.js';
import { ShapeError } from '../../src/errors.js';
import { describeErrors } from '../../src/testing/errorProperties.js';
import { describeFloatKernels } from '../../src/testing/floatProperties.js';
import { describeIntegerKernels } from '../../src/testing/integerProperties.js';
import { describeLargeSizes } from '../../src/testing/largeProperties.js';
import type { Suite, SuiteSettings } from '../../src/testing/suite.js';

/** A check the kit registered, kept to be run against a backend of the test's choosing. */
interface CollectedCheck {
  title: string;
  run(): void;
}

/**
 * Collects the kit's checks instead of registering them, over whichever backend `current` holds,
 * so each can be run against a deliberately broken backend and expected to fail.
 */
function collectChecks(current: { backend: Backend }): CollectedCheck[] {
  const checks: CollectedCheck[] = [];
  const settings: SuiteSettings = {
    reference: new ReferenceBackend(),
    largeSize: 3001,
    numRuns: 60,
    largeRuns: 2,
    seed: 42,
  };
  const suite: Suite = {
    settings,
    backend: () => current.backend,
    property(title, arbitrary, predicate, runs = settings.numRuns) {
      checks.push({ title, run: () => fc.assert(fc.property(arbitrary, predicate), { numRuns: runs, seed: 42 }) });
    },
    test(title, body) {
      checks.push({ title, run: body });
    },
    group(_title, body) {
      body();
    },
  };
  describeFloatKernels(suite);
  describeIntegerKernels(suite);
  describeLargeSizes(suite);
  describeErrors(suite);
  return checks;
}

/** The reference with one method replaced. */
function mutant<K extends keyof Backend>(method: K, replacement: (reference: ReferenceBackend) => Backend[K]): Backend {
  const reference = new ReferenceBackend();
  return Object.assign(Object.create(reference) as Backend, {
    name: `mutant ${method}`,
    [method]: replacement(reference),
  });
}

/** What `run` threw, with the cause fast-check wraps around a failing predicate's error. */
function failureOf(run: () => void): string {
  try {
    run();
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `\n${error.cause.message}` : '';
    return `${error instanceof Error ? error.message : String(error)}${cause}`;
  }
  return 'nothing was thrown';
}

const current = { backend: new ReferenceBackend() as Backend };
const checks = collectChecks(current);
const check = (titleStart: string): CollectedCheck => {
  const found = checks.find((candidate) => candidate.title.startsWith(titleStart));
  if (found === undefined) throw new Error(`no check titled "${titleStart}…"`);
  return found;
};

/** Broken backends and the check that must catch each. */
const MUTANTS: { broken: string; checkTitle: string; backend: Backend; message: RegExp }[] = [
  {
    broken: 'axpy off by 2^-16 relative',
    checkTitle: 'axpy',
    backend: mutant('axpy', (r) => (alpha, x, y) => r.axpy(alpha, x, y).map((v) => v * (1 + 2 ** -16))),
    message: /axpy\[\d+\]: got/,
  },
  {
    broken: 'matmul ignoring transposeB',
    checkTitle: 'matmul',
    backend: mutant('matmul', (r) => (a, b, shape) => r.matmul(a, b, { ...shape, transposeB: false })),
    message: /matmul/,
  },
  {
    broken: 'dot accumulated in float32 from the last element',
    checkTitle: 'dot',
    backend: mutant('dot', () => (x, y) => {
      let sum = 0;
      for (let i = x.length - 1; i >= 0; i--) sum = Math.fround(sum + Math.fround(x[i]! * y[i]!));
      return Number.isFinite(sum) ? sum + 1e-3 : sum;
    }),
    message: /dot\[0\]/,
  },
  {
    broken: 'pairwiseCosine not exactly symmetric',
    checkTitle: 'pairwiseCosine',
    backend: mutant('pairwiseCosine', (r) => (rows, n, d) => {
      const out = r.pairwiseCosine(rows, n, d);
      if (n > 1) out[1] = Math.fround(out[1]! * (1 - 2 ** -23));
      return out;
    }),
    message: /pairwiseCosine/,
  },
  {
    broken: 'QSGD rounding up when the draw equals the fractional part',
    checkTitle: 'stochasticQuantize',
    backend: mutant('stochasticQuantize', (r) => (x, levels, uniforms) => {
      const { norm } = r.stochasticQuantize(x, levels, uniforms);
      const codes = Int32Array.from(x, (value, i) => {
        const p = norm === 0 ? 0 : (levels * Math.abs(value)) / norm;
        const magnitude = Math.min(levels, uniforms[i]! <= p - Math.floor(p) ? Math.floor(p) + 1 : Math.floor(p));
        return value < 0 ? -magnitude : magnitude;
      });
      return { norm, codes };
    }),
    message: /stochasticQuantize codes/,
  },
  {
    broken: 'grid codes computed in float32',
    checkTitle: 'gridQuantize',
    backend: mutant('gridQuantize', (r) => (x, center, bits) => {
      const { radius, codes } = r.gridQuantize(x, center, bits);
      const spacing = Math.fround((2 * radius) / (2 ** bits - 1));
      const float32Codes = codes.map((_, i) =>
        Math.min(
          2 ** bits - 1,
          Math.max(0, Math.floor(Math.fround(Math.fround(x[i]! - center[i]! + radius) + spacing / 2) / spacing))
        )
      );
      return { radius, codes: float32Codes };
    }),
    message: /gridQuantize/,
  },
  {
    broken: 'top-k breaking ties towards the higher index',
    checkTitle: 'topKMask',
    backend: mutant('topKMask', (r) => (x, k) => r.topKMask(x.slice().reverse(), k).reverse()),
    message: /topKMask/,
  },
  {
    broken: 'magnitudeMask comparing with the float32-rounded threshold',
    checkTitle: 'magnitudeMask',
    backend: mutant('magnitudeMask', (r) => (x, threshold) => r.magnitudeMask(x, Math.fround(threshold))),
    message: /magnitudeMask/,
  },
  {
    broken: 'packBits filling each byte from its top bit',
    checkTitle: 'packBits',
    backend: mutant(
      'packBits',
      (r) => (codes, bits) =>
        r
          .packBits(codes, bits)
          .map((byte) => Number.parseInt(byte.toString(2).padStart(8, '0').split('').reverse().join(''), 2))
    ),
    message: /packBits/,
  },
  {
    broken: 'a NaN check that reports another message',
    checkTitle: 'NaN, +Infinity',
    backend: mutant('norm2', (r) => (x) => {
      if (x.some((v) => !Number.isFinite(v))) throw new ShapeError('norm2: bad input');
      return r.norm2(x);
    }),
    message: /norm2\(x\).*threw ShapeError/s,
  },
  {
    broken: 'a shape check missing',
    checkTitle: 'wrong shapes',
    backend: mutant('dot', () => () => 0),
    message: /dot with unequal lengths: returned normally/,
  },
];

describe('the conformance kit', () => {
  it('passes the reference backend on every check', () => {
    current.backend = new ReferenceBackend();
    for (const { run } of checks) run();
  });

  it.each(MUTANTS)('catches $broken', ({ checkTitle, backend, message }) => {
    current.backend = backend;
    expect(failureOf(() => check(checkTitle).run())).toMatch(message);
  });
});
