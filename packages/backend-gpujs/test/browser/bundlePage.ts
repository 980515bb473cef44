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

/**
 * What the backend imports from @fedtune/core, from core's build. Core's index also carries
 * Node-only modules (dataset files, plugin loading) that a page cannot load; the backend needs
 * only the reference kernels, the argument checks and the error classes, all plain JavaScript.
 */
function coreForBrowser(): string {
  const coreDist = join(dirname(require.resolve('@fedtune/core/package.json')), 'dist');
  return ['backend/index.js', 'errors.js']
    .map((module) => `export * from ${JSON.stringify(join(coreDist, module))};`)
    .join('\n');
}

/**
 * Bundles the backend's sources and the page entry into one classic script. `gpu.js` resolves to
 * the global the browser build defines, and `@fedtune/core` to its browser-safe part.
 */
export async function bundlePage(): Promise<string> {
  const bundle = await rolldown({
    input: here('./pageEntry.ts'),
    platform: 'browser',
    plugins: [
      {
        name: 'page globals and browser-safe core',
        resolveId: (id) => (id === 'gpu.js' ? GPUJS_GLOBAL : id === '@fedtune/core' ? CORE_FOR_BROWSER : null),
        load: (id) =>
          id === GPUJS_GLOBAL ? 'export default globalThis.GPU;' : id === CORE_FOR_BROWSER ? coreForBrowser() : null,
      },
    ],
  });
  try {
    const { output } = await bundle.generate({ format: 'iife' });
    return output[0].code;
  } finally {
    await bundle.close();
  }
}
