import gpujs from 'gpu.js';
import { kernelClassOf, openGpuOn } from '../engine/engines.js';
import { GpuUnavailableError } from '../engine/gpuUnavailableError.js';
import { KERNEL_CATALOGUE } from '../kernels/catalogue.js';
import { GpujsKernelRunner, releaseResult } from '../runtime/kernelRunner.js';
import { writeHostError } from './hostErrors.js';
import {
  COMPILED,
  DONE,
  FAILED,
  isHostRequest,
  STATE,
  VALUE,
  type HostRequest,
  type OpenRequest,
  type ReplySlot,
  type RunRequest,
  type WireArgument,
} from './protocol.js';

/** Where requests arrive: the `Worker` that holds the backend, or a `MessagePort`. */
export interface KernelHostSource {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  /** A MessagePort delivers nothing to `addEventListener` listeners before it is started. */
  start?(): void;
}

/** A running kernel host; `close` stops serving and frees every session. */
export interface WebGpuKernelHost {
  close(): void;
}

/** One backend's gpu.js instance on the shared device, with its compiled kernels and kept results. */
interface Session {
  gpu: InstanceType<(typeof gpujs)['GPU']>;
  runner: GpujsKernelRunner;
  results: Map<number, unknown>;
  nextResult: number;
}

/** gpu.js's module-level WebGPU device, which its type declarations do not list. */
interface WebGpuDeviceCache {
  acquire(): Promise<{ device: { limits: { maxStorageBufferBindingSize: number; maxBufferSize: number } } }>;
}

/**
 * Runs the WebGPU kernels of backends created in other threads with `{ mode: 'webgpu' }`, in this
 * thread, which owns the GPU device: typically the page, serving the Web Worker that holds the
 * backend (`serveWebGpuKernels(worker)`). gpu.js's WebGPU kernels are asynchronous; this thread
 * awaits each one and writes its result into memory shared with the waiting worker. Messages
 * that are not this protocol's are left to other listeners.
 */
export function serveWebGpuKernels(source: KernelHostSource): WebGpuKernelHost {
  const sessions = new Map<number, Session>();
  let nextSession = 1;
  let queue = Promise.resolve();
  const listener = (event: { data: unknown }): void => {
    const request: unknown = event.data;
    if (!isHostRequest(request)) return;
    // One request at a time, in arrival order: releases must not overtake the runs before them.
    queue = queue.then(() => handle(request)).catch((error: unknown) => reportUnanswerable(request, error));
  };

  async function handle(request: HostRequest): Promise<void> {
    switch (request.kind) {
      case 'open':
        return answer(request.reply, async () => {
          const limit = await openDevice();
          const session = nextSession++;
          sessions.set(session, openSession());
          new Float64Array(request.reply.data, 0, 1)[0] = limit;
          return session;
        });
      case 'run':
        return answer(request.reply, () => run(sessionOf(sessions, request.session), request));
      case 'release': {
        const session = sessions.get(request.session);
        releaseResult(session?.results.get(request.result));
        session?.results.delete(request.result);
        return;
      }
      case 'close': {
        const session = sessions.get(request.session);
        if (session !== undefined) closeSession(session);
        sessions.delete(request.session);
        return;
      }
    }
  }

  source.addEventListener('message', listener);
  source.start?.();
  return {
    close() {
      source.removeEventListener('message', listener);
      sessions.forEach(closeSession);
      sessions.clear();
    },
  };
}

/**
 * A release or close has no reply to carry its failure (the requests that wait for a reply get
 * theirs), so it is logged rather than lost; later requests are still served.
 */
function reportUnanswerable(request: HostRequest, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`gpujs WebGPU kernel host: ${request.kind} request failed: ${message}`);
}

/** Requests the device (gpu.js shares one per page) and returns the largest storage buffer it binds, in bytes. */
async function openDevice(): Promise<number> {
  const kernelClass = kernelClassOf('webgpu') as unknown as { isSupported: boolean };
  if (!kernelClass.isSupported) {
    throw new GpuUnavailableError(
      'the kernel host has no WebGPU (navigator.gpu is missing): use a browser with WebGPU enabled, in a secure ' +
        'context (https or localhost); headless Chromium needs --enable-unsafe-webgpu'
    );
  }
  const cache = (gpujs as unknown as { WebGPUContext: WebGpuDeviceCache }).WebGPUContext;
  try {
    const { limits } = (await cache.acquire()).device;
    return Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  } catch (error) {
    throw new GpuUnavailableError(`the kernel host could not open a WebGPU device: ${(error as Error).message}`);
  }
}

function openSession(): Session {
  const { gpu, kernelClass } = openGpuOn('webgpu', 'gpu.js did not open webgpu although the kernel host has a WebGPU device');
  return { gpu, runner: new GpujsKernelRunner(gpu, 'webgpu', kernelClass), results: new Map(), nextResult: 1 };
}

function closeSession(session: Session): void {
  session.results.forEach(releaseResult);
  session.results.clear();
  session.gpu.destroy();
}

function sessionOf(sessions: ReadonlyMap<number, Session>, id: number): Session {
  const session = sessions.get(id);
  if (session === undefined) {
    throw new Error(`WebGPU session ${id} is not open on this kernel host (disposed, or opened on another host)`);
  }
  return session;
}

/** Runs one kernel; returns a kept result's id for pipeline kernels, 0 after writing the values otherwise. */
async function run(session: Session, request: RunRequest): Promise<number> {
  const spec = KERNEL_CATALOGUE.get(request.kernel);
  if (spec === undefined) {
    throw new Error(
      `the kernel host has no kernel named ${request.kernel}: the two threads run different versions of the package`
    );
  }
  const args = request.args.map((arg) => fromWire(session, arg));
  const result: unknown = await session.runner.run(spec, request.output, args);
  Atomics.store(new Int32Array(request.reply.control), COMPILED, session.runner.compiledCount);
  if (spec.pipeline === true) {
    const id = session.nextResult++;
    session.results.set(id, result);
    return id;
  }
  writeValues(request.reply.data, result);
  return 0;
}

function fromWire(session: Session, arg: WireArgument): unknown {
  if (typeof arg === 'object' && 'pipelineResult' in arg) {
    const kept = session.results.get(arg.pipelineResult);
    if (kept === undefined) {
      throw new Error(`pipeline result ${arg.pipelineResult} is not kept on the kernel host (released?)`);
    }
    return kept;
  }
  return arg;
}

/** Writes a 1-D result (a Float32Array) or a 2-D one (its rows) into the data area, row after row. */
function writeValues(data: SharedArrayBuffer, result: unknown): void {
  const rows = result instanceof Float32Array ? [result] : (result as Float32Array[]);
  const target = new Float32Array(data);
  let offset = 0;
  for (const row of rows) {
    target.set(row, offset);
    offset += row.length;
  }
}

/** Runs `work` and writes its outcome into `reply`, then wakes the waiting thread. */
async function answer(reply: ReplySlot, work: () => Promise<number> | number): Promise<void> {
  const control = new Int32Array(reply.control);
  try {
    Atomics.store(control, VALUE, await work());
    Atomics.store(control, STATE, DONE);
  } catch (error) {
    Atomics.store(control, VALUE, writeHostError(reply.data, error));
    Atomics.store(control, STATE, FAILED);
  }
  Atomics.notify(control, STATE);
}
