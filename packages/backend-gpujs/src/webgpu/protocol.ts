/**
 * The messages between a thread that holds a WebGPU backend and the kernel host that runs its
 * kernels, and the layout of the shared memory replies come back in. Requests travel by
 * `postMessage`; a reply is written into shared memory and announced with `Atomics.notify`,
 * because the requesting thread is blocked in `Atomics.wait` and takes no messages meanwhile.
 */

/** Marks this protocol's messages, so an endpoint can carry other traffic too. */
export const MESSAGE_TAG = 'fedtune-gpujs-webgpu';

/** Where the host writes one reply: a control block of {@link CONTROL_SLOTS} Int32 and a data area. */
export interface ReplySlot {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
}

/** A kernel argument in transit: a number, an array (a copy, transferred), or a kept pipeline result. */
export type WireArgument = number | ArrayBufferView | { pipelineResult: number };

/** Opens a session: a gpu.js instance on the host's WebGPU device, with its own compiled kernels. */
export interface OpenRequest {
  tag: typeof MESSAGE_TAG;
  kind: 'open';
  reply: ReplySlot;
}

/** Runs one kernel of the catalogue, by name. */
export interface RunRequest {
  tag: typeof MESSAGE_TAG;
  kind: 'run';
  session: number;
  kernel: string;
  output: number[];
  args: WireArgument[];
  reply: ReplySlot;
}

/** Frees a pipeline result (no reply). */
export interface ReleaseRequest {
  tag: typeof MESSAGE_TAG;
  kind: 'release';
  session: number;
  result: number;
}

/** Ends a session and frees its kernels and results (no reply). */
export interface CloseRequest {
  tag: typeof MESSAGE_TAG;
  kind: 'close';
  session: number;
}

export type HostRequest = OpenRequest | RunRequest | ReleaseRequest | CloseRequest;

/** Int32 slots of the control block. */
export const CONTROL_SLOTS = 4;
/** Control slot: {@link PENDING}, {@link DONE} or {@link FAILED}; the requester waits on it. */
export const STATE = 0;
/** Control slot: the session id (open), the kept result's id (pipeline run), or the error's byte length (failed). */
export const VALUE = 1;
/** Control slot: programs the session has compiled so far (run). */
export const COMPILED = 2;

export const PENDING = 0;
export const DONE = 1;
export const FAILED = 2;

/**
 * Smallest data area: room for an error's name and message. An open reply puts the largest
 * storage buffer the device binds, in bytes, as a Float64 at its start; a run reply its Float32
 * results.
 */
export const MIN_DATA_BYTES = 1 << 16;

/** Whether a message is a request of this protocol. */
export function isHostRequest(message: unknown): message is HostRequest {
  return typeof message === 'object' && message !== null && (message as { tag?: unknown }).tag === MESSAGE_TAG;
}
