import { describeBackendConformance } from '@fedtune/core/testing';
import { GpujsBackend } from '../src/index.js';
import { describeWithGpu } from './support/gpuTests.js';

describeWithGpu('gpujs on headless-gl', () => {
  // 20_011 is a prime past headless-gl's 16384-texel texture side.
  describeBackendConformance('gpujs:headlessgl', () => new GpujsBackend({ mode: 'headlessgl' }), {
    largeSize: 20_011,
    dispose: (backend) => (backend as GpujsBackend).dispose(),
  });
});
