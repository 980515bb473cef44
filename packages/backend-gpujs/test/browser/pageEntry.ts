// The script the browser test runs in the page, bundled with the backend's own sources. It opens
// the backend on WebGL2 and runs the calls Node sends, returning their results.
import { GpujsBackend } from '../../src/gpujsBackend.js';
import { fromWire, toWire, type Wire } from './wire.js';

/** What the page reports back: the backend's name and each call's result. */
export interface PageRun {
  name: string;
  results: Wire[];
}

function run(calls: Wire): PageRun {
  const backend = new GpujsBackend({ mode: 'webgl2' });
  try {
    const results = (fromWire(calls) as { method: string; args: unknown[] }[]).map(({ method, args }) => {
      const kernel = (backend as unknown as Record<string, (...values: unknown[]) => unknown>)[method]!;
      return toWire(kernel.apply(backend, args));
    });
    return { name: backend.name, results };
  } finally {
    backend.dispose();
  }
}

(globalThis as { fedtuneGpujsPage?: { run: typeof run } }).fedtuneGpujsPage = { run };
