import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { openGpu } from '../src/engine/openGpu.js';
import { GpuUnavailableError } from '../src/index.js';
import type { ThreadContext } from '../src/kernels/threadContext.js';
import { GpujsKernelRunner, type KernelSpec } from '../src/runtime/kernelRunner.js';
import { createBackendInChild, environmentWithoutDisplay } from './support/builtPackage.js';
import { describeWithGpu } from './support/gpuTests.js';

/** Copies its argument (gpu.js reads kernels from `function` sources only). */
function copySource(this: ThreadContext, values: Float32Array): number {
  return values[this.thread.x]!;
}

function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}

const HIDE_GL = fileURLToPath(new URL('./support/hideGlModule.cjs', import.meta.url));

describe('no silent fallback', () => {
  it('without an X display, fails saying to run under xvfb-run, where gpu.js alone would run WebAssembly', () => {
    const outcome = createBackendInChild({}, environmentWithoutDisplay());
    expect(outcome.gpujsPicks).toBe('WebAssemblyKernel');
    expect(outcome.name).toBeUndefined();
    expect(outcome.error?.className).toBe('GpuUnavailableError');
    expect(outcome.error?.message).toMatch(
      /^no GPU context can be made here\. headlessgl: headless-gl needs an X display and DISPLAY is not set/
    );
    expect(outcome.error?.message).toContain('xvfb-run -a <command>');
    expect(outcome.error?.message).toContain('{ "mode": "wasm" } or { "mode": "cpu" }');
  });

  it('still runs the emulating engines there when asked for by name', () => {
    expect(createBackendInChild({ mode: 'wasm' }, environmentWithoutDisplay()).name).toBe('gpujs:wasm');
    expect(createBackendInChild({ mode: 'cpu' }, environmentWithoutDisplay()).name).toBe('gpujs:cpu');
  });

  describeWithGpu('where gl is missing', () => {
    it('fails naming the build prerequisites of gl, even with a display', () => {
      const outcome = createBackendInChild({ mode: 'headlessgl' }, process.env, ['--require', HIDE_GL]);
      expect(outcome.error?.className).toBe('GpuUnavailableError');
      expect(outcome.error?.message).toMatch(
        /^gpujs engine headlessgl is not available: the native module `gl` is not installed or did not build/
      );
      expect(outcome.error?.message).toContain(
        'apt-get install build-essential python3 pkg-config libx11-dev libxi-dev libxext-dev'
      );
      expect(outcome.error?.message).toContain('npm rebuild gl');
    });
  });

  it('fails a kernel that gpu.js swapped for its cpu kernel at run time, where gpu.js only warns', () => {
    const opened = openGpu('wasm');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const runner = new GpujsKernelRunner(opened.gpu, opened.engine, opened.kernelClass);
      // gpu.js's WebAssembly kernel takes no vector-typed arguments, so it rebuilds this one on its cpu kernel.
      const copy: KernelSpec = {
        name: 'copy',
        source: copySource as never,
        argumentTypes: { values: 'Array(2)' as never },
      };
      const error = thrownBy(() => runner.run(copy, [2], [Float32Array.of(3, 4)]));
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^Falling back to CPU/));
      expect(error).toBeInstanceOf(GpuUnavailableError);
      expect((error as Error).message).toBe(
        'gpujs kernel copy ran on cpu instead of wasm (argument "values" of type Array(2) is not supported on the webasm backend); ' +
          'the backend does not fall back silently: report this with the engine and kernel name'
      );
    } finally {
      warn.mockRestore();
      opened.gpu.destroy();
    }
  });
});
