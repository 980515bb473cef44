import { readFileSync } from 'node:fs';
import { counterUniforms, ReferenceBackend } from '@fedtune/core';
import { buildMatrix, buildVector, type VectorRecipe } from '@fedtune/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertAgrees } from './browser/agreement.js';
import { bundlePage, bundleWorker, GPU_BROWSER_SCRIPT } from './browser/bundlePage.js';
import { launchChromium } from './browser/chromium.js';
import { openIsolatedPage, WORKER_PATH } from './browser/isolatedPage.js';
import type { PageRun } from './browser/pageEntry.js';
import type { WorkerReport, WorkerTask } from './browser/workerEntry.js';
import { fromWire, toWire, type KernelCall } from './browser/wire.js';
import { describeWithGpu } from './support/gpuTests.js';

const reference = new ReferenceBackend();

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

/**
 * The kit's "past one texture" length, as on headless-gl: WebGPU has no textures, but the same
 * size keeps the multi-call paths' inputs and the run time alike (SwiftShader computes on the CPU).
 */
const KIT_LARGE_SIZE = 20_011;

/** How long the worker may take for the calls and the whole kit on SwiftShader's WebGPU. */
const WEBGPU_RUN_TIMEOUT_MS = 600_000;

describeWithGpu('in headless Chromium (WebGPU on SwiftShader, the backend in a Web Worker)', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let report: Exclude<WorkerReport, { error: string }>;
  const kernelCalls = calls();

  beforeAll(async () => {
    const [pageScript, workerScript, launched] = await Promise.all([bundlePage(), bundleWorker(), launchChromium()]);
    browser = launched;
    const page = await openIsolatedPage(browser.context, [readFileSync(GPU_BROWSER_SCRIPT, 'utf8'), pageScript], {
      [WORKER_PATH]: workerScript,
    });
    const task: WorkerTask = { calls: toWire(kernelCalls), largeSize: KIT_LARGE_SIZE };
    const outcome = (await page.evaluate(
      (sent: unknown) =>
        (
          globalThis as unknown as { fedtuneGpujsPage: { runWebGpu(task: unknown): unknown } }
        ).fedtuneGpujsPage.runWebGpu(sent),
      task as unknown
    )) as WorkerReport;
    if ('error' in outcome) throw new Error(`the WebGPU worker stopped: ${outcome.error}`);
    report = outcome;
  }, WEBGPU_RUN_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
  });

  it('runs the kernels on WebGPU and names the engine gpujs:webgpu', () => {
    expect(report.name).toBe('gpujs:webgpu');
    expect(report.results).toHaveLength(kernelCalls.length);
  });

  it('agrees with the reference on WebGPU: float results within tolerance, integer results identical', () => {
    kernelCalls.forEach((call, index) => assertAgrees(call, fromWire(report.results[index]!)));
  });

  it("passes core's conformance kit on WebGPU, every test", () => {
    expect(report.kit.length).toBeGreaterThan(0);
    const failures = report.kit
      .filter((test) => test.error !== undefined)
      .map((test) => `${test.title}: ${test.error}`);
    expect(failures).toEqual([]);
  });
});
