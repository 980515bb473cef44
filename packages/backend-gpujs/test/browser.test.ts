import { counterUniforms, ReferenceBackend } from '@fedtune/core';
import {
  assertIdentical,
  assertWithinTolerance,
  axpyExpectation,
  buildMatrix,
  buildVector,
  dotExpectation,
  gridDequantizeExpectation,
  maskedApplyExpectation,
  matmulExpectation,
  norm2Expectation,
  normInfExpectation,
  pairwiseCosineExpectation,
  pairwiseSquaredEuclideanExpectation,
  scaleExpectation,
  stochasticDequantizeExpectation,
  weightedSumExpectation,
  type Expectation,
  type VectorRecipe,
} from '@fedtune/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bundlePage, GPU_BROWSER_SCRIPT } from './browser/bundlePage.js';
import { launchChromium } from './browser/chromium.js';
import type { PageRun } from './browser/pageEntry.js';
import { fromWire, toWire, type KernelCall } from './browser/wire.js';
import { describeWithGpu } from './support/gpuTests.js';

const reference = new ReferenceBackend();

/** How a float result is judged: its expectation given the call's arguments. */
const FLOAT_EXPECTATIONS: Record<string, (...args: never[]) => Expectation> = {
  matmul: matmulExpectation,
  axpy: axpyExpectation,
  scale: scaleExpectation,
  weightedSum: weightedSumExpectation,
  dot: dotExpectation,
  norm2: norm2Expectation,
  normInf: normInfExpectation,
  pairwiseSquaredEuclidean: pairwiseSquaredEuclideanExpectation,
  pairwiseCosine: pairwiseCosineExpectation,
  stochasticDequantize: stochasticDequantizeExpectation,
  gridDequantize: gridDequantizeExpectation,
  maskedApply: maskedApplyExpectation,
};

/**
 * Every kernel on a few shapes: 1, a prime, and 9001, past SwiftShader's 8192-texel texture side;
 * values with zeros, subnormals and large magnitudes.
 */
function calls(): KernelCall[] {
  const list: KernelCall[] = [];
  const vector = (length: number, seed: number, largest = 2 ** 50): Float32Array =>
    buildVector({ length, seed, profile: 'mixed', largest } satisfies VectorRecipe);
  for (const [length, seed] of [
    [1, 1],
    [61, 2],
    [9001, 3],
  ] as const) {
    const x = vector(length, seed);
    const y = vector(length, seed + 100);
    const uniforms = counterUniforms({ seed, round: 0, client: 0, stream: 3 }, length);
    const stochastic = reference.stochasticQuantize(x, 15, uniforms);
    const grid = reference.gridQuantize(x, y, 5);
    const mask = reference.topKMask(x, Math.ceil(length / 3));
    const codes = Uint32Array.from(grid.codes, (code, i) => code * 4099 + (i % 7));
    list.push(
      { method: 'axpy', args: [0.75, x, y] },
      { method: 'scale', args: [-3, x] },
      {
        method: 'weightedSum',
        args: [
          [x, y],
          [0.25, -1.5],
        ],
      },
      { method: 'dot', args: [x, y] },
      { method: 'norm2', args: [x] },
      { method: 'normInf', args: [x] },
      { method: 'stochasticQuantize', args: [x, 15, uniforms] },
      { method: 'stochasticDequantize', args: [stochastic, 15] },
      { method: 'gridQuantize', args: [x, y, 5] },
      { method: 'gridDequantize', args: [grid, y, 5] },
      { method: 'topKMask', args: [x, Math.ceil(length / 3)] },
      { method: 'magnitudeMask', args: [x, Math.abs(y[0]!)] },
      { method: 'maskedApply', args: [x, mask] },
      { method: 'packBits', args: [codes, 17] },
      { method: 'unpackBits', args: [reference.packBits(codes, 17), 17, length] }
    );
  }
  for (const [m, k, n, transposeA, transposeB] of [
    [1, 1, 1, false, false],
    [3, 5, 7, true, false],
    [33, 17, 65, false, true],
    [2, 3, 9001, true, true],
  ] as const) {
    const recipe: VectorRecipe = { length: 0, seed: m * k * n, profile: 'mixed', largest: 2 ** 50 };
    list.push({
      method: 'matmul',
      args: [
        buildMatrix(recipe, m, k),
        buildMatrix({ ...recipe, seed: recipe.seed + 1 }, k, n),
        { m, k, n, transposeA, transposeB },
      ],
    });
  }
  for (const [n, d] of [
    [5, 3],
    [20, 9],
    [3, 9001],
  ] as const) {
    const rows = buildMatrix({ length: 0, seed: n + d, profile: 'mixed', largest: 2 ** 50 }, n, d);
    list.push(
      { method: 'pairwiseSquaredEuclidean', args: [rows, n, d] },
      { method: 'pairwiseCosine', args: [rows, n, d] }
    );
  }
  return list;
}

/** Holds a browser result to the reference: float results within tolerance, integer ones identical. */
function assertAgrees({ method, args }: KernelCall, actual: unknown): void {
  const expected = (reference as unknown as Record<string, (...values: unknown[]) => unknown>)[method]!.apply(
    reference,
    [...args]
  );
  const expectation = FLOAT_EXPECTATIONS[method];
  if (expectation !== undefined) {
    assertWithinTolerance(
      method,
      actual as Float32Array | number,
      expected as Float32Array | number,
      expectation(...(args as never[]))
    );
  } else if (method === 'stochasticQuantize' || method === 'gridQuantize') {
    const { codes, ...scalar } = actual as { codes: Int32Array };
    const { codes: expectedCodes, ...expectedScalar } = expected as { codes: Int32Array };
    assertIdentical(`${method} codes`, codes, expectedCodes);
    expect(scalar).toEqual(expectedScalar);
  } else {
    assertIdentical(method, actual as ArrayLike<number>, expected as ArrayLike<number>);
  }
}

describeWithGpu('in headless Chromium (WebGL2 on SwiftShader)', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let run: PageRun;
  const kernelCalls = calls();

  beforeAll(async () => {
    const [pageScript, launched] = await Promise.all([bundlePage(), launchChromium()]);
    browser = launched;
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.setContent('<!doctype html><title>fedtune gpujs</title>');
    await page.addScriptTag({ path: GPU_BROWSER_SCRIPT });
    await page.addScriptTag({ content: pageScript });
    const wire: unknown = toWire(kernelCalls);
    run = (await page.evaluate(
      (calls: unknown) =>
        (globalThis as unknown as { fedtuneGpujsPage: { run(calls: unknown): unknown } }).fedtuneGpujsPage.run(calls),
      wire
    )) as PageRun;
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('runs the kernels on WebGL2 and names the engine', () => {
    expect(run.name).toBe('gpujs:webgl2');
    expect(run.results).toHaveLength(kernelCalls.length);
  });

  it('agrees with the reference: float results within tolerance, integer results identical', () => {
    kernelCalls.forEach((call, index) => assertAgrees(call, fromWire(run.results[index]!)));
  });
});
