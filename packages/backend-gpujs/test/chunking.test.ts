import { describeBackendConformance } from '@fedtune/core/testing';
import { GpujsBackend } from '../src/index.js';
import { describeWithGpu } from './support/gpuTests.js';

describeWithGpu('gpujs on headless-gl with 16-texel textures', () => {
  // A 16×16 texture holds 256 values, so every vector past 256 elements is split over several
  // calls and every matrix past 16 rows or columns over several tiles: the whole kit then runs
  // through the multi-call paths that real textures reach only past 2^24 elements.
  describeBackendConformance(
    'gpujs:headlessgl, maxTextureSize 16',
    () => new GpujsBackend({ mode: 'headlessgl', maxTextureSize: 16 }),
    {
      largeSize: 2_003,
      numRuns: 10,
      dispose: (backend) => (backend as GpujsBackend).dispose(),
    }
  );
});
