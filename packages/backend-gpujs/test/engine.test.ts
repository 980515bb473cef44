import { BACKEND, ConfigError, createFedtuneContainer, resolveNamed } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import gpujsPluginDefault, {
  GpujsBackend,
  GpuUnavailableError,
  gpujsPlugin,
  isEngineAvailable,
  parseGpujsOptions,
} from '../src/index.js';
import { describeWithGpu } from './support/gpuTests.js';

describeWithGpu('engine on this machine', () => {
  it('opens headless-gl in the default GPU mode and names it', () => {
    const backend = new GpujsBackend();
    try {
      expect(backend.name).toBe('gpujs:headlessgl');
      expect(backend.engine).toBe('headlessgl');
      expect(backend.axpy(2, Float32Array.of(1, 2), Float32Array.of(3, 4))).toEqual(Float32Array.of(5, 8));
    } finally {
      backend.dispose();
    }
  });

  it('reports headless-gl as available', () => {
    expect(isEngineAvailable('headlessgl')).toBe(true);
  });
});

describe('engines asked for by name', () => {
  it.each(['wasm', 'cpu'] as const)('runs gpu.js %s kernels only when asked, and names them', (mode) => {
    const backend = new GpujsBackend({ mode });
    try {
      expect(backend.name).toBe(`gpujs:${mode}`);
      expect(backend.topKMask(Float32Array.of(1, -3, 2), 2)).toEqual(Uint8Array.of(0, 1, 1));
    } finally {
      backend.dispose();
    }
  });

  it('refuses WebGPU in Node, which has no navigator.gpu, pointing at headlessgl and the browser', () => {
    expect(isEngineAvailable('webgpu')).toBe(false);
    expect(() => new GpujsBackend({ mode: 'webgpu' })).toThrow(GpuUnavailableError);
    expect(() => new GpujsBackend({ mode: 'webgpu' })).toThrow(
      "gpujs engine webgpu is not available: Node has no navigator.gpu, which gpu.js's WebGPU kernels need; " +
        'in Node use headlessgl, and run webgpu in a browser'
    );
  });

  it.each(['webgl2', 'webgl'] as const)('refuses %s in Node, pointing at headlessgl', (mode) => {
    expect(() => new GpujsBackend({ mode })).toThrow(
      `gpujs engine ${mode} is not available: ${mode} exists only in a browser; in Node the GPU engine is headlessgl.`
    );
  });
});

describe('options', () => {
  it('accepts a mode and a texture size', () => {
    expect(parseGpujsOptions({})).toEqual({});
    expect(parseGpujsOptions({ mode: 'wasm', maxTextureSize: 64 })).toEqual({ mode: 'wasm', maxTextureSize: 64 });
  });

  it.each([
    [{ engine: 'wasm' }, 'backend gpujs: unknown option "engine"; allowed: mode, maxTextureSize'],
    [
      { mode: 'metal' },
      'backend gpujs: options.mode is "metal"; expected one of gpu, headlessgl, webgl2, webgl, webgpu, wasm, cpu',
    ],
    [
      { maxTextureSize: 4 },
      'backend gpujs: options.maxTextureSize is 4; expected an integer ≥ 8 (texels per texture side)',
    ],
    [
      { maxTextureSize: 64.5 },
      'backend gpujs: options.maxTextureSize is 64.5; expected an integer ≥ 8 (texels per texture side)',
    ],
  ])('rejects %j', (options, message) => {
    expect(() => parseGpujsOptions(options)).toThrow(ConfigError);
    expect(() => parseGpujsOptions(options)).toThrow(message);
  });

  it('keeps every call within the texture size it is given', () => {
    const backend = new GpujsBackend({ mode: 'cpu', maxTextureSize: 8 });
    try {
      expect(backend.textureSize).toBe(8);
      const x = Float32Array.from({ length: 1000 }, (_, i) => i);
      expect(backend.scale(2, x)).toEqual(x.map((v) => 2 * v));
    } finally {
      backend.dispose();
    }
  });
});

describe('plugin descriptor', () => {
  it('is the default export', () => {
    expect(gpujsPluginDefault).toBe(gpujsPlugin);
  });

  it('registers the gpujs backend, which an experiment creates by name with its options', () => {
    const container = createFedtuneContainer();
    gpujsPlugin.register(container);
    const factory = resolveNamed(container, 'backend', 'gpujs');
    expect(factory.plugin).toBe('@fedtune/backend-gpujs');
    const backend = factory.create({ mode: 'cpu' }, { seed: 1, numClients: 2 });
    expect(backend.name).toBe('gpujs:cpu');
    (backend as GpujsBackend).dispose();
    expect(() => factory.create({ mode: 'nope' }, { seed: 1, numClients: 2 })).toThrow(ConfigError);
    expect(container.isRegistered(BACKEND)).toBe(true);
  });
});
