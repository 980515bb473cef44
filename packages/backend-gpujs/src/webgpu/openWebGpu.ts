import type { EngineSession } from '../engine/engineSession.js';
import { GpuUnavailableError } from '../engine/gpuUnavailableError.js';
import { unavailableReason } from '../engine/unavailableReason.js';
import { currentKernelHostConnection } from './hostConnection.js';
import { MIN_DATA_BYTES } from './protocol.js';
import { RemoteKernelRunner } from './remoteKernelRunner.js';

/**
 * Opens a session on this thread's WebGPU kernel host: its kernels run there, on the host's
 * device, while this thread waits for each result.
 * @throws GpuUnavailableError when no host is connected, or the host has no WebGPU device, saying why.
 */
export function openWebGpuSession(): EngineSession {
  const connection = currentKernelHostConnection();
  if (connection === undefined) {
    throw new GpuUnavailableError(`gpujs engine webgpu is not available: ${unavailableReason('webgpu', 'missing')}.`);
  }
  const reply = connection.request({ kind: 'open' }, [], MIN_DATA_BYTES);
  const session = reply.value;
  return {
    engine: 'webgpu',
    runner: new RemoteKernelRunner(connection, session),
    maxTextureSize: undefined,
    maxArgumentBytes: new Float64Array(reply.data, 0, 1)[0]!,
    dispose: () => connection.post({ kind: 'close', session }),
  };
}
