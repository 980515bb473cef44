import { existsSync, readFileSync } from 'node:fs';
import { parseExperiment } from '@fedtune/core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingStep, TrainingStepRequest } from './trainingStep.js';
import { serveTrainingStepPage } from './trainingStepServer.js';

/** Debian's Chromium, as CI installs it (apt package `chromium`); FEDTUNE_CHROMIUM points elsewhere. */
const CHROMIUM = process.env.FEDTUNE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * How far WebGPU may land from wasm after one step, and why. Both compute in float32 but in another
 * order (GPU matmuls sum in tiles, may fuse multiply-adds; WGSL's exp and log are allowed a few ulp),
 * so values agree to a few ulp per operation, compounded over sums of 784 products: about 1e-6
 * relative, a tenth of the bounds below.
 * - The loss, a forward pass: 1e-5 relative.
 * - The parameters after Adam's first step, which moves each one by lr·g/(|g| + ε), nearly ±lr
 *   whatever the gradient's size: rounding shows only where a gradient is near its own rounding
 *   error. Every parameter within 1e-2·lr of wasm's, and the gap's norm within 1e-3 of the update's.
 * A step skipped or wrong on either side misses both by orders of magnitude (a skipped step leaves a
 * gap as large as the update itself).
 */
const LOSS_RELATIVE = 1e-5;
const PARAMETER_ABSOLUTE_OF_LR = 1e-2;
const GAP_NORM_RELATIVE = 1e-3;

/** The quickstart, cut to one run whose client takes one step, trained with tfjs's wasm backend. */
function quickstartStep(): { json: string; learningRate: number } {
  const quickstart = JSON.parse(readFileSync(new URL('../../../../examples/quickstart.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const { compare: _compare, $schema: _schema, training, ...rest } = quickstart as { compare: unknown; $schema: unknown; training: { learningRate: number } };
  return { json: JSON.stringify({ ...rest, training: { ...training, rounds: 1, localSteps: 1, tfBackend: 'wasm' } }), learningRate: training.learningRate };
}

const { json: experimentJson, learningRate } = quickstartStep();
let served: Awaited<ReturnType<typeof serveTrainingStepPage>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  served = await serveTrainingStepPage(parseExperiment(JSON.parse(experimentJson)));
  // SwiftShader gives headless Chromium a WebGPU adapter without a GPU; the flag lets a page use it.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu'] });
  page = await browser.newPage();
  const failures: string[] = [];
  page.on('pageerror', (error) => failures.push(error.message));
  await page.goto(served.url);
  await page.waitForFunction(() => 'fedtuneTrainingStep' in globalThis, undefined, { timeout: 60_000 });
  expect(failures).toEqual([]);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await served?.close();
});

function trainInPage(tfBackend: TrainingStepRequest['tfBackend']): Promise<TrainingStep> {
  const request: TrainingStepRequest = { experimentJson, tfBackend, clientId: 3, noise: 0.01 };
  return page.evaluate((asked) => (globalThis as unknown as { fedtuneTrainingStep(request: TrainingStepRequest): Promise<TrainingStep> }).fedtuneTrainingStep(asked), request);
}

const norm = (values: readonly number[]) => Math.hypot(...values);
const largest = (values: readonly number[]) => values.reduce((most, value) => Math.max(most, Math.abs(value)), 0);

describe("a browser tab training on tfjs's WebGPU backend", () => {
  it("takes the quickstart's LoRA step as the wasm backend does, within float32 GPU tolerances", async () => {
    const wasm = await trainInPage('experiment');
    const webgpu = await trainInPage('webgpu');

    // Each side ran where it says: no fallback to cpu or webgl, and the trainer's tensors on the GPU.
    expect([wasm.federationBackend, wasm.activeBackend]).toEqual(['wasm', 'wasm']);
    expect([webgpu.federationBackend, webgpu.activeBackend]).toEqual(['webgpu', 'webgpu']);
    expect(webgpu.gpuBytes).toBeGreaterThan(0);
    expect(webgpu.start).toEqual(wasm.start);
    for (const side of [wasm, webgpu]) expect([side.steps, side.samples]).toEqual([1, 32]);

    const update = wasm.parameters.map((value, index) => value - (wasm.start[index] as number));
    const gap = webgpu.parameters.map((value, index) => value - (wasm.parameters[index] as number));
    // Adam's first step moves a parameter with any real gradient by nearly lr.
    expect(largest(update)).toBeGreaterThan(0.9 * learningRate);
    expect(Math.abs(webgpu.meanLoss - wasm.meanLoss)).toBeLessThanOrEqual(LOSS_RELATIVE * wasm.meanLoss);
    expect(largest(gap)).toBeLessThanOrEqual(PARAMETER_ABSOLUTE_OF_LR * learningRate);
    expect(norm(gap)).toBeLessThanOrEqual(GAP_NORM_RELATIVE * norm(update));
  }, 600_000);
});
