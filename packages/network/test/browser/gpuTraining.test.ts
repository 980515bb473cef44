import { isFedtuneError } from '@fedtune/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { trainOnGpu } from '../../src/browser/gpuTraining.js';

/** The error `trainOnGpu` rejects with, checked to be a ConfigError. */
async function refusal(backend: Parameters<typeof trainOnGpu>[0]): Promise<string> {
  const error = await trainOnGpu(backend).then(
    (started) => new Error(`started ${started}`),
    (caught: unknown) => caught,
  );
  expect(isFedtuneError(error, 'ConfigError'), String(error)).toBe(true);
  return (error as Error).message;
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('a tab asked to train on its GPU where it cannot', () => {
  it('refuses WebGPU without navigator.gpu, naming the secure-context cause and the other choices', async () => {
    vi.stubGlobal('navigator', {});
    const message = await refusal('webgpu');
    expect(message).toMatch(/cannot start tfjs's WebGPU backend: it has no navigator\.gpu/);
    expect(message).toMatch(/not a secure context \(serve it over https, or open it on localhost\)/);
    expect(message).toMatch(/join with tf=webgl .*, or without tf= to train with the experiment's backend$/);
  });

  it('refuses WebGPU when the browser offers no adapter, or fails to look for one', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: () => Promise.resolve(null) } });
    expect(await refusal('webgpu')).toMatch(/requestAdapter\(\) found no GPU adapter/);
    vi.stubGlobal('navigator', { gpu: { requestAdapter: () => Promise.reject(new Error('device blocklisted')) } });
    expect(await refusal('webgpu')).toMatch(/requestAdapter\(\) failed \(device blocklisted\)/);
  });

  it('refuses WebGL where tfjs cannot start it (Node has no WebGL), leaving the experiment\'s backend as the fix', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const message = await refusal('webgl');
    expect(message).toMatch(/cannot start tfjs's WebGL backend: tfjs could not start WebGL on this device; join without tf=webgl/);
  });
});
