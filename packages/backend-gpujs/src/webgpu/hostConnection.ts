import { ConfigError } from '@fedtune/core';
import { GpuUnavailableError } from '../engine/gpuUnavailableError.js';
import { blockingUnsupportedReason } from './blockingSupport.js';
import { readHostError } from './hostErrors.js';
import {
  COMPILED,
  CONTROL_SLOTS,
  DONE,
  MESSAGE_TAG,
  MIN_DATA_BYTES,
  PENDING,
  STATE,
  VALUE,
  type HostRequest,
  type ReplySlot,
} from './protocol.js';

/** Where requests go: a `Worker`, a worker's own scope (`self`, reaching the page), or a `MessagePort`. */
export interface KernelHostEndpoint {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
}

/** How a thread waits for its kernel host. */
export interface KernelHostConnectionOptions {
  /** Longest wait for one reply, in milliseconds (default 120 000: compiling a kernel on a software GPU is slow). */
  timeoutMs?: number;
}

/** A request that gets no reply (release, close), without the tag the connection adds. */
export type OneWayRequest = DistributiveOmit<Exclude<HostRequest, { reply: ReplySlot }>, 'tag'>;
/** A request the caller waits for (open, run), without the tag and reply slot the connection adds. */
export type ReplyingRequest = DistributiveOmit<Extract<HostRequest, { reply: ReplySlot }>, 'tag' | 'reply'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a host answered: the control slots and the data area they describe. */
export interface Reply {
  value: number;
  compiled: number;
  data: SharedArrayBuffer;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * This thread's link to a WebGPU kernel host. Each request blocks in `Atomics.wait` until the
 * host writes its reply into shared memory; requests are therefore strictly one at a time.
 */
export class KernelHostConnection {
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
  private data = new SharedArrayBuffer(MIN_DATA_BYTES);
  /** Set once a wait timed out: a late reply could land in a later request's memory. */
  private broken: string | undefined;

  constructor(
    private readonly endpoint: KernelHostEndpoint,
    private readonly timeoutMs: number
  ) {}

  /** Sends a request that has no reply. */
  post(request: OneWayRequest): void {
    this.requireUsable();
    this.endpoint.postMessage({ ...request, tag: MESSAGE_TAG }, []);
  }

  /**
   * Sends a request and blocks until the host replies; `dataBytes` is the room the reply needs.
   * @throws GpuUnavailableError when the host does not answer in time or reports a GPU failure;
   * Error with the host's message for any other failure.
   */
  request(request: ReplyingRequest, transfer: ArrayBuffer[], dataBytes: number): Reply {
    this.requireUsable();
    if (this.data.byteLength < dataBytes) {
      this.data = new SharedArrayBuffer(Math.max(dataBytes, 2 * this.data.byteLength));
    }
    const reply: ReplySlot = { control: this.control.buffer as SharedArrayBuffer, data: this.data };
    Atomics.store(this.control, STATE, PENDING);
    this.endpoint.postMessage({ ...request, tag: MESSAGE_TAG, reply }, transfer);
    if (Atomics.wait(this.control, STATE, PENDING, this.timeoutMs) === 'timed-out') {
      this.broken =
        `the WebGPU kernel host did not answer within ${this.timeoutMs} ms (${request.kind} request): run ` +
        'serveWebGpuKernels(endpoint) in the thread that owns the GPU (the page, for a worker connected with ' +
        'connectWebGpuKernelHost(self)), or raise timeoutMs';
      throw new GpuUnavailableError(this.broken);
    }
    const value = Atomics.load(this.control, VALUE);
    if (Atomics.load(this.control, STATE) !== DONE) throw readHostError(this.data, value);
    return { value, compiled: Atomics.load(this.control, COMPILED), data: this.data };
  }

  private requireUsable(): void {
    if (this.broken !== undefined) throw new GpuUnavailableError(`this WebGPU connection is unusable: ${this.broken}`);
  }
}

let threadConnection: KernelHostConnection | undefined;

/**
 * Connects this thread to a WebGPU kernel host (see `serveWebGpuKernels`), so that
 * `new GpujsBackend({ mode: 'webgpu' })` and `"backend": { "name": "gpujs", "options": { "mode": "webgpu" } }`
 * run their kernels there. Call it in a Web Worker (`connectWebGpuKernelHost(self)` reaches the
 * page that started the worker), in a cross-origin isolated page.
 * @throws GpuUnavailableError when this thread cannot wait for a host: no SharedArrayBuffer (the
 * page is not cross-origin isolated) or a thread that may not block (a page's main thread).
 */
export function connectWebGpuKernelHost(endpoint: KernelHostEndpoint, options: KernelHostConnectionOptions = {}): void {
  const reason = blockingUnsupportedReason();
  if (reason !== undefined) throw new GpuUnavailableError(`cannot connect to a WebGPU kernel host: ${reason}`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) {
    throw new ConfigError(
      `connectWebGpuKernelHost: timeoutMs is ${timeoutMs}; expected a positive number of milliseconds`
    );
  }
  threadConnection = new KernelHostConnection(endpoint, timeoutMs);
}

/** This thread's connection to a kernel host, or undefined before {@link connectWebGpuKernelHost}. */
export function currentKernelHostConnection(): KernelHostConnection | undefined {
  return threadConnection;
}
