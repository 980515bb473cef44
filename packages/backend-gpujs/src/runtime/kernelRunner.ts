import type gpujs from 'gpu.js';
import type { IKernelRunShortcut } from 'gpu.js';
import { engineOfKernelClass, type GpujsEngine, type KernelClass } from '../engine/engines.js';
import { GpuUnavailableError } from '../engine/gpuUnavailableError.js';

type Gpu = InstanceType<(typeof gpujs)['GPU']>;
type Shortcut = IKernelRunShortcut;

/**
 * gpu.js argument types fixed up front, so a value of another numeric kind never recompiles a
 * kernel. `Texture` is a result another kernel kept on the GPU (a plain array on engines without
 * textures).
 */
export type ArgumentType = 'Array' | 'Float' | 'Integer' | 'Texture';

/**
 * One gpu.js kernel: its source (a plain function in gpu.js's JavaScript subset, read with
 * `toString`), the types of its arguments in order, and compile-time constants.
 */
export interface KernelSpec {
  /** Unique among the specs one backend runs; the cache key. */
  readonly name: string;
  readonly source: (...args: never[]) => number;
  /** Argument name → type, for every parameter in the source's order (gpu.js matches them by position). */
  readonly argumentTypes: Readonly<Record<string, ArgumentType>>;
  readonly constants?: Readonly<Record<string, number>>;
  /**
   * Keep each result on the GPU as a texture of its own for later kernels instead of reading it
   * back; the caller releases it with {@link releaseResult}.
   */
  readonly pipeline?: boolean;
}

/**
 * What the kernel families run their kernels through: gpu.js in this thread
 * ({@link GpujsKernelRunner}), or a WebGPU kernel host in another thread.
 */
export interface KernelRunner {
  /**
   * Runs `spec` over an output of `output` = [x] or [x, y] threads and returns its result: a
   * Float32Array (one per row for 2-D outputs), or for a pipeline kernel a result that later
   * kernels take as an argument and {@link releaseResult} frees. Arguments: typed arrays, numbers
   * or pipeline results.
   */
  run(spec: KernelSpec, output: readonly number[], args: readonly unknown[]): unknown;
  /** How many distinct programs have been built so far (one per spec unless something recompiled). */
  readonly compiledCount: number;
}

/**
 * Loops in kernels are bounded by arguments, not constants, so one compiled program serves every
 * size; WebGL1 shaders still need a constant bound, which this is.
 */
const LOOP_BOUND = 1 << 30;

/** Engines whose pipeline results are float textures (`ArrayTexture(1)` to gpu.js). */
const GL_ENGINES: ReadonlySet<GpujsEngine> = new Set(['headlessgl', 'webgl2', 'webgl']);

/**
 * Compiles each kernel once per backend and reuses it for every size: kernels are created with
 * dynamic output and dynamic arguments, so a new size only resizes textures. After each run the
 * kernel gpu.js really ran is checked against the engine's class, because gpu.js replaces a kernel
 * that fails to build by a cpu one with no more than a console warning.
 */
export class GpujsKernelRunner implements KernelRunner {
  private readonly kernels = new Map<string, { shortcut: Shortcut; output: readonly number[] }>();
  private readonly compiled = new Set<object>();

  constructor(
    private readonly gpu: Gpu,
    private readonly engine: GpujsEngine,
    private readonly kernelClass: KernelClass
  ) {}

  /**
   * Runs `spec` and returns what gpu.js returns: the result itself, or on WebGPU, whose kernels are
   * asynchronous, a Promise of it.
   */
  run(spec: KernelSpec, output: readonly number[], args: readonly unknown[]): unknown {
    const entry = this.kernelFor(spec, output);
    if (!sameOutput(entry.output, output)) {
      entry.shortcut.setOutput([...output]);
      entry.output = output;
    }
    const result = (entry.shortcut as unknown as (...values: readonly unknown[]) => unknown)(...args);
    this.requireEngineKernel(spec, entry.shortcut);
    return result;
  }

  get compiledCount(): number {
    return this.compiled.size;
  }

  private kernelFor(spec: KernelSpec, output: readonly number[]): { shortcut: Shortcut; output: readonly number[] } {
    const cached = this.kernels.get(spec.name);
    if (cached !== undefined) return cached;
    const shortcut: Shortcut = this.gpu.createKernel(spec.source as never, {
      output: [...output],
      precision: 'single',
      // highp everywhere: the `speed` tactic would pick lower precisions for small textures.
      tactic: 'precision',
      dynamicOutput: true,
      dynamicArguments: true,
      pipeline: spec.pipeline === true,
      immutable: spec.pipeline === true,
      argumentTypes: this.gpujsTypes(spec.argumentTypes) as never,
      ...(spec.constants === undefined
        ? {}
        : { constants: spec.constants, constantTypes: floatTypes(spec.constants) as never }),
    });
    shortcut.setLoopMaxIterations(LOOP_BOUND);
    const entry = { shortcut, output };
    this.kernels.set(spec.name, entry);
    return entry;
  }

  private gpujsTypes(types: Readonly<Record<string, ArgumentType>>): Record<string, string> {
    const textureType = GL_ENGINES.has(this.engine) ? 'ArrayTexture(1)' : 'Array';
    return Object.fromEntries(
      Object.entries(types).map(([name, type]) => [name, type === 'Texture' ? textureType : type])
    );
  }

  private requireEngineKernel(spec: KernelSpec, shortcut: Shortcut): void {
    const kernel = (shortcut as unknown as { kernel: { constructor: unknown; fallbackReason?: string | null } }).kernel;
    this.compiled.add(kernel);
    if (kernel.constructor === this.kernelClass) return;
    const ranOn = engineOfKernelClass(kernel.constructor) ?? 'an unknown engine';
    const reason = kernel.fallbackReason ?? 'gpu.js gave no reason';
    throw new GpuUnavailableError(
      `gpujs kernel ${spec.name} ran on ${ranOn} instead of ${this.engine} (${reason}); ` +
        'the backend does not fall back silently: report this with the engine and kernel name'
    );
  }
}

function sameOutput(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function floatTypes(constants: Readonly<Record<string, number>>): Record<string, 'Float'> {
  return Object.fromEntries(Object.keys(constants).map((name) => [name, 'Float' as const]));
}

/** Frees a texture a pipeline kernel returned; results of engines without textures need nothing. */
export function releaseResult(result: unknown): void {
  const texture = result as { delete?: () => void } | null;
  if (typeof texture?.delete === 'function') texture.delete();
}
