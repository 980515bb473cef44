import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { ConfigError } from '@fedtune/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  connectWebGpuKernelHost,
  GpujsBackend,
  GpuUnavailableError,
  isEngineAvailable,
  serveWebGpuKernels,
  type KernelHostSource,
} from '../src/index.js';
import { buildPackage, PACKAGE_DIR } from './support/builtPackage.js';

/** An endpoint that takes requests and never answers them. */
const silentHost = { postMessage: () => {} };

/**
 * Creates a backend in a worker thread connected to `port`, and reports the error it threw.
 * The worker runs the built package: a blocked thread cannot be the one that serves it.
 */
async function createBackendInWorker(port: unknown): Promise<{ className: string; message: string } | undefined> {
  buildPackage();
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     import(workerData.entry).then(({ connectWebGpuKernelHost, GpujsBackend }) => {
       connectWebGpuKernelHost(workerData.port, { timeoutMs: 60000 });
       try {
         new GpujsBackend({ mode: 'webgpu' }).dispose();
         parentPort.postMessage(undefined);
       } catch (error) {
         parentPort.postMessage({ className: error.constructor.name, message: error.message });
       }
     });`,
    {
      eval: true,
      workerData: { entry: pathToFileURL(`${PACKAGE_DIR}dist/index.js`).href, port },
      transferList: [port as never],
    }
  );
  try {
    const [outcome] = (await once(worker, 'message')) as [{ className: string; message: string } | undefined];
    return outcome;
  } finally {
    await worker.terminate();
  }
}

describe('connecting to a WebGPU kernel host', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('is refused without SharedArrayBuffer (a page not cross-origin isolated), naming the headers', () => {
    vi.stubGlobal('crossOriginIsolated', false);
    expect(() => connectWebGpuKernelHost(silentHost)).toThrow(GpuUnavailableError);
    expect(() => connectWebGpuKernelHost(silentHost)).toThrow(
      'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp'
    );
  });

  it("is refused on a thread that may not block (a page's main thread), pointing at a Web Worker", () => {
    vi.spyOn(Atomics, 'wait').mockImplementation(() => {
      throw new TypeError('Atomics.wait cannot be called in this context');
    });
    expect(() => connectWebGpuKernelHost(silentHost)).toThrow(
      /may not block in Atomics\.wait .*create the backend in a Web Worker, and run serveWebGpuKernels\(worker\)/
    );
  });

  it('rejects a timeout that is not a positive number of milliseconds', () => {
    expect(() => connectWebGpuKernelHost(silentHost, { timeoutMs: 0 })).toThrow(ConfigError);
    expect(() => connectWebGpuKernelHost(silentHost, { timeoutMs: 0 })).toThrow(
      'connectWebGpuKernelHost: timeoutMs is 0; expected a positive number of milliseconds'
    );
  });

  it("carries the host's refusal to the waiting thread: a host without WebGPU", async () => {
    const { port1, port2 } = new MessageChannel();
    const host = serveWebGpuKernels(port1 as unknown as KernelHostSource);
    try {
      expect(await createBackendInWorker(port2)).toEqual({
        className: 'GpuUnavailableError',
        message: expect.stringContaining('the kernel host has no WebGPU (navigator.gpu is missing)'),
      });
    } finally {
      host.close();
      port1.close();
    }
  });

  it('fails a backend whose host never answers, naming the fix, and refuses every later request', () => {
    connectWebGpuKernelHost(silentHost, { timeoutMs: 50 });
    expect(isEngineAvailable('webgpu')).toBe(true);
    expect(() => new GpujsBackend({ mode: 'webgpu' })).toThrow(
      /^the WebGPU kernel host did not answer within 50 ms \(open request\): run serveWebGpuKernels\(endpoint\)/
    );
    expect(() => new GpujsBackend({ mode: 'webgpu' })).toThrow(/^this WebGPU connection is unusable: /);
  });
});
