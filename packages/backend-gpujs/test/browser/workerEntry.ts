// The script of the Web Worker the WebGPU browser test starts. The worker holds the backend in
// webgpu mode, connected to the page that started it, which serves the WebGPU kernels; each
// kernel call blocks here until the page has the result. It runs the calls Node sends, then core's
// conformance kit, and posts both outcomes to the page.
import { describeBackendConformance } from '@fedtune/core/testing';
import { GpujsBackend } from '../../src/gpujsBackend.js';
import { connectWebGpuKernelHost } from '../../src/webgpu/hostConnection.js';
import { runKit, type KitResult } from './kitRunner.js';
import { runCalls } from './runCalls.js';
import type { Wire } from './wire.js';

/** What the page asks the worker to run. */
export interface WorkerTask {
  calls: Wire;
  /** The kit's length for its "past one texture" cases. */
  largeSize: number;
}

/** What the worker reports: the backend's name, each call's result and each kit test's outcome; or why it stopped. */
export type WorkerReport = { name: string; results: Wire[]; kit: KitResult[] } | { error: string };

const scope = globalThis as unknown as {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (event: { data: WorkerTask }) => void): void;
};

async function work({ calls, largeSize }: WorkerTask): Promise<WorkerReport> {
  connectWebGpuKernelHost(scope);
  const backend = new GpujsBackend({ mode: 'webgpu' });
  let results: Wire[];
  try {
    results = runCalls(backend, calls);
  } finally {
    backend.dispose();
  }
  describeBackendConformance('gpujs:webgpu', () => new GpujsBackend({ mode: 'webgpu' }), {
    largeSize,
    dispose: (opened) => (opened as GpujsBackend).dispose(),
  });
  return { name: backend.name, results, kit: await runKit() };
}

scope.addEventListener('message', (event) => {
  work(event.data).then(
    (report) => scope.postMessage(report, []),
    (error: unknown) =>
      scope.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }, [])
  );
});
