import type { KernelRunner, KernelSpec } from '../runtime/kernelRunner.js';
import type { KernelHostConnection } from './hostConnection.js';
import type { WireArgument } from './protocol.js';

/**
 * A pipeline result kept on the kernel host: later kernels of the same session take it as an
 * argument, and `delete` (through `releaseResult`) frees it there.
 */
export class RemoteResult {
  private deleted = false;

  constructor(
    private readonly connection: KernelHostConnection,
    readonly session: number,
    readonly id: number
  ) {}

  /** The argument that names this result to the host. */
  toWire(session: number): WireArgument {
    if (this.deleted) throw new Error(`pipeline result ${this.id} was passed to a kernel after it was released`);
    if (session !== this.session) throw new Error(`pipeline result ${this.id} belongs to another WebGPU session`);
    return { pipelineResult: this.id };
  }

  delete(): void {
    if (this.deleted) return;
    this.deleted = true;
    this.connection.post({ kind: 'release', session: this.session, result: this.id });
  }
}

/**
 * Runs kernels on a WebGPU kernel host in another thread, one session of it, blocking until each
 * result is back: the same synchronous {@link KernelRunner} the kernel families use on the GL
 * engines, so they run unchanged.
 */
export class RemoteKernelRunner implements KernelRunner {
  private compiled = 0;

  constructor(
    private readonly connection: KernelHostConnection,
    private readonly session: number
  ) {}

  get compiledCount(): number {
    return this.compiled;
  }

  run(spec: KernelSpec, output: readonly number[], args: readonly unknown[]): unknown {
    const count = output.reduce((product, side) => product * side, 1);
    const transfer: ArrayBuffer[] = [];
    const wireArgs = args.map((arg) => this.toWire(arg, transfer));
    const reply = this.connection.request(
      { kind: 'run', session: this.session, kernel: spec.name, output: [...output], args: wireArgs },
      transfer,
      spec.pipeline === true ? 0 : count * 4
    );
    this.compiled = reply.compiled;
    if (spec.pipeline === true) return new RemoteResult(this.connection, this.session, reply.value);
    // Copied out: the shared area is overwritten by the next request.
    const values = new Float32Array(count);
    values.set(new Float32Array(reply.data, 0, count));
    if (output.length === 1) return values;
    const width = output[0]!;
    return Array.from({ length: count / width }, (_, row) => values.subarray(row * width, (row + 1) * width));
  }

  private toWire(arg: unknown, transfer: ArrayBuffer[]): WireArgument {
    if (typeof arg === 'number') return arg;
    if (arg instanceof RemoteResult) return arg.toWire(this.session);
    if (ArrayBuffer.isView(arg) && !(arg instanceof DataView)) {
      // A copy of just the view (posting a view would copy its whole buffer), handed over without a second copy.
      const copy = (arg as unknown as { slice(): ArrayBufferView }).slice();
      transfer.push(copy.buffer as ArrayBuffer);
      return copy;
    }
    throw new TypeError(
      `a WebGPU kernel argument must be a number, a typed array or a pipeline result; got ${typeof arg}`
    );
  }
}
