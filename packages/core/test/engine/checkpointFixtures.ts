import { checkpointDigest, DIGEST_KEY } from '../../src/engine/checkpointDigest.js';
import { MemoryStore, type ServerState } from '../../src/engine/index.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsContent } from '../../src/model/formats/safetensors.js';

/** A server state with every kind of content a checkpoint holds: vectors, a slot group, tensors and numbers in memory. */
export function sampleState(): ServerState {
  const clientMemory = new MemoryStore();
  clientMemory.of('compressor', 3).set('residual', Float32Array.of(0.5, -1));
  clientMemory.of('selector', 3).set('staleness', 7);
  const serverMemory = new MemoryStore();
  serverMemory.of('aggregator', 0).set('loss', 1 / 3);
  serverMemory.of('aggregator', 1).set('best', Infinity);
  serverMemory.of('aggregator', 1).set('latest', Float32Array.of(0.25, 4, -8));
  return {
    nextRound: 4,
    global: Float32Array.of(1, 2, 3),
    previousGlobal: Float32Array.of(0, 2, 3),
    groups: [{ parameters: Float32Array.of(9, 9, 9), slots: ['2/1', '0/0'] }],
    clientMemory,
    serverMemory,
  };
}

/**
 * `bytes` with their content changed by `change` and sealed again with a digest of the result: a
 * checkpoint as a writer with that content would have made it, so checks behind the digest are reached.
 */
export function resealed(bytes: Uint8Array, change: (content: SafetensorsContent) => void): Uint8Array {
  const content = decodeSafetensors(bytes);
  change(content);
  const { [DIGEST_KEY]: _old, ...metadata } = content.metadata;
  const tensors = new Map([...content.tensors].map(([name, tensor]) => [name, { shape: tensor.shape, data: tensor.data as Float32Array }]));
  return encodeSafetensors(tensors, { ...metadata, [DIGEST_KEY]: checkpointDigest(tensors, metadata) });
}
