import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const require = createRequire(import.meta.url);

/** The browser build of gpu.js, which defines `window.GPU` (the constructor, carrying every class). */
export const GPU_BROWSER_SCRIPT = require.resolve('gpu.js/dist/gpu-browser.min.js');

const GPUJS_GLOBAL = '\0gpu.js as the page global';
const CORE_FOR_BROWSER = '\0@fedtune/core for the page';
const KIT_FOR_BROWSER = '\0@fedtune/core/testing for the worker';
const coreDist = (): string => join(dirname(require.resolve('@fedtune/core/package.json')), 'dist');

/**
 * What the backend (and the WebGPU benchmark's worker) imports from @fedtune/core, from core's
 * build. Core's index also carries Node-only modules (dataset files, plugin loading) that a page
 * cannot load; these need only the reference kernels, the argument checks, the error classes and
 * the counter-based random numbers, all plain JavaScript.
 */
function coreForBrowser(): string {
  return ['backend/index.js', 'errors.js', 'random/counterRandom.js']
    .map((module) => `export * from ${JSON.stringify(join(coreDist(), module))};`)
    .join('\n');
}

/**
 * The conformance kit and its checks, from core's build: the testing index also carries writers
 * of model folders, which need Node's file system.
 */
function kitForBrowser(): string {
  return ['conformance.js', 'checks.js', 'tolerances.js', 'values.js']
    .map((module) => `export * from ${JSON.stringify(join(coreDist(), 'testing', module))};`)
    .join('\n');
}

/** Module ids the bundles resolve differently from Node, and what they load. */
const BROWSER_MODULES: Readonly<Record<string, { id: string; source: () => string }>> = {
  'gpu.js': { id: GPUJS_GLOBAL, source: () => 'export default globalThis.GPU;' },
  '@fedtune/core': { id: CORE_FOR_BROWSER, source: coreForBrowser },
  '@fedtune/core/testing': { id: KIT_FOR_BROWSER, source: kitForBrowser },
};

/**
 * Bundles the backend's sources and the page entry into one classic script. `gpu.js` resolves to
 * the global the browser build defines, and `@fedtune/core` to its browser-safe part.
 */
export function bundlePage(): Promise<string> {
  return bundle(here('./pageEntry.ts'));
}

/**
 * Bundles a WebGPU worker's script (`input`, default the test's): the backend, core's conformance
 * kit and fast-check, with `vitest` replaced by the kit runner (a worker has no vitest). The
 * worker never touches gpu.js: its kernels run in the page.
 */
export function bundleWorker(input = here('./workerEntry.ts')): Promise<string> {
  return bundle(input, { vitest: here('./kitRunner.ts') });
}

async function bundle(input: string, aliases: Readonly<Record<string, string>> = {}): Promise<string> {
  const build = await rolldown({
    input,
    platform: 'browser',
    plugins: [
      {
        name: 'page globals and browser-safe core',
        resolveId: (id) => aliases[id] ?? BROWSER_MODULES[id]?.id ?? null,
        load: (id) => Object.values(BROWSER_MODULES).find((module) => module.id === id)?.source() ?? null,
      },
    ],
  });
  try {
    const { output } = await build.generate({ format: 'iife' });
    return output[0].code;
  } finally {
    await build.close();
  }
}
