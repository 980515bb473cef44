// The script the browser tests (and the WebGPU benchmark) run in the page, bundled with the
// backend's own sources. It opens the backend on WebGL2 and runs the calls Node sends, returning
// their results; or it starts a WebGPU worker and serves its kernels.
import { GpujsBackend } from '../../src/gpujsBackend.js';
import { serveWebGpuKernels, type KernelHostSource } from '../../src/webgpu/kernelHost.js';
import { isHostRequest } from '../../src/webgpu/protocol.js';
import { WORKER_PATH } from './isolatedPage.js';
import { runCalls } from './runCalls.js';
import type { Wire } from './wire.js';

/** What the page reports back: the backend's name and each call's result. */
export interface PageRun {
  name: string;
  results: Wire[];
}

/** The part of the browser's Worker the page uses (the package compiles without DOM types). */
interface PageWorker extends KernelHostSource {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (event: { message: string }) => void): void;
  postMessage(message: unknown): void;
  terminate(): void;
}

const Worker = (globalThis as unknown as { Worker: new (url: string) => PageWorker }).Worker;

function run(calls: Wire): PageRun {
  const backend = new GpujsBackend({ mode: 'webgl2' });
  try {
    return { name: backend.name, results: runCalls(backend, calls) };
  } finally {
    backend.dispose();
  }
}

/**
 * Starts the worker, sends it `task`, serves its WebGPU kernels from this page, and resolves with
 * the first message it sends that is not a kernel request: its report.
 */
async function runWebGpu(task: unknown): Promise<unknown> {
  const worker = new Worker(WORKER_PATH);
  const host = serveWebGpuKernels(worker);
  try {
    return await new Promise<unknown>((resolve, reject) => {
      worker.addEventListener('message', (event) => {
        if (!isHostRequest(event.data)) resolve(event.data);
      });
      worker.addEventListener('error', (event) => reject(new Error(`the WebGPU worker failed: ${event.message}`)));
      worker.postMessage(task);
    });
  } finally {
    host.close();
    worker.terminate();
  }
}

(globalThis as { fedtuneGpujsPage?: { run: typeof run; runWebGpu: typeof runWebGpu } }).fedtuneGpujsPage = {
  run,
  runWebGpu,
};
