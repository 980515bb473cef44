// The WebGPU part of the gpujs benchmark: every kernel on gpujs:webgpu in headless Chromium, held
// to the reference and timed, written to <repo root>/bench/results/gpujs-webgpu.json. vitest runs
// it (`npm run bench:webgpu`, after `npm run build` of core) because it shares the browser tests'
// TypeScript harness; it is not part of `npm test`.
//
// Headless Chromium's only WebGPU adapter without a GPU is SwiftShader, which runs WebGPU on the
// CPU: its figures are correctness checks, labelled `correctnessOnly`, never GPU speed. Pointed at
// a Chromium with a hardware adapter (FEDTUNE_CHROMIUM), the same run measures that GPU.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';
import { bundlePage, bundleWorker, GPU_BROWSER_SCRIPT } from '../../test/browser/bundlePage.js';
import { launchChromium } from '../../test/browser/chromium.js';
import { openIsolatedPage, WORKER_PATH } from '../../test/browser/isolatedPage.js';
import type { BenchReport, BenchTask } from './benchWorker.js';

const OUTPUT = fileURLToPath(new URL('../../../../bench/results/gpujs-webgpu.json', import.meta.url));

/** Sizes SwiftShader runs in a few minutes; a hardware adapter takes them in its stride. */
const TASK: BenchTask = { vectorSizes: [1e5, 1e6], matmulSides: [128, 256], pairwiseWidths: [1e3, 1e4] };

const SOFTWARE_NOTE =
  'SwiftShader runs WebGPU on the CPU: these times show that every kernel runs and agrees with the ' +
  'reference on WebGPU; they are not GPU speed and must not be compared with other engines as such';

it('runs every kernel on gpujs:webgpu in headless Chromium, held to the reference', async () => {
  const [pageScript, workerScript, browser] = await Promise.all([
    bundlePage(),
    bundleWorker(fileURLToPath(new URL('./benchWorker.ts', import.meta.url))),
    launchChromium(),
  ]);
  try {
    const page = await openIsolatedPage(browser.context, [readFileSync(GPU_BROWSER_SCRIPT, 'utf8'), pageScript], {
      [WORKER_PATH]: workerScript,
    });
    const report = (await page.evaluate(
      (task: unknown) =>
        (
          globalThis as unknown as { fedtuneGpujsPage: { runWebGpu(task: unknown): unknown } }
        ).fedtuneGpujsPage.runWebGpu(task),
      TASK as unknown
    )) as BenchReport;
    if ('error' in report) throw new Error(`the WebGPU benchmark worker stopped: ${report.error}`);
    const correctnessOnly = /swiftshader/i.test(`${report.adapter.architecture} ${report.adapter.description}`);
    mkdirSync(dirname(OUTPUT), { recursive: true });
    const result = {
      engine: report.name,
      adapter: report.adapter,
      correctnessOnly,
      ...(correctnessOnly ? { note: SOFTWARE_NOTE } : {}),
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
      rows: report.rows,
    };
    writeFileSync(OUTPUT, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `${report.name} on ${report.adapter.vendor} ${report.adapter.architecture}` +
        (correctnessOnly ? ` — CORRECTNESS ONLY: ${SOFTWARE_NOTE}` : '')
    );
    console.table(report.rows.map(({ kernel, size, milliseconds, disagreement }) => ({
      kernel,
      size,
      [correctnessOnly ? 'ms (software GPU, not speed)' : 'ms']: Number(milliseconds.toPrecision(3)),
      agrees: disagreement ?? 'yes',
    })));
    const disagreements = report.rows.filter((row) => row.disagreement !== undefined);
    if (disagreements.length > 0) {
      const described = disagreements.map((row) => `${row.kernel} ${row.size}: ${row.disagreement}`);
      throw new Error(`gpujs:webgpu disagreed with the reference: ${described.join('; ')}`);
    }
  } finally {
    await browser.close();
  }
}, 1_200_000);
