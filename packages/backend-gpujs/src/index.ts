import { gpujsPlugin } from './plugin.js';

export { GpujsBackend, type GpujsBackendOptions } from './gpujsBackend.js';
export { gpujsBackendFactory, PACKAGE_NAME } from './factory.js';
export { parseGpujsOptions } from './options.js';
export { gpujsPlugin } from './plugin.js';
export { GPUJS_MODES, type GpujsEngine, type GpujsMode } from './engine/engines.js';
export { isEngineAvailable } from './engine/openGpu.js';
export { GpuUnavailableError } from './engine/gpuUnavailableError.js';
export {
  connectWebGpuKernelHost,
  type KernelHostConnectionOptions,
  type KernelHostEndpoint,
} from './webgpu/hostConnection.js';
export { serveWebGpuKernels, type KernelHostSource, type WebGpuKernelHost } from './webgpu/kernelHost.js';

export default gpujsPlugin;
