import {
  MemoryStore,
  ReferenceBackend,
  type ClientMemory,
  type EncodeContext,
  type UploadContext,
} from '@fedtune/core';

/** The reference backend every test computes with. */
export const backend = new ReferenceBackend();

/** The factory context of a small federation. */
export const factoryContext = { seed: 11, numClients: 4 };

/** A fresh client memory for one component. */
export function freshMemory(component = 'compressor', clientId = 0): ClientMemory {
  return new MemoryStore().of(component, clientId);
}

/** An encode (or decode) context around `memory`. */
export function codecContext(memory: ClientMemory, round = 0, trainLoss = 1): EncodeContext {
  return { seed: 11, round, clientId: 0, backend, memory, trainLoss };
}

/** The client-side view of one round for a selector, vectors given as plain arrays. */
export function uploadContext(
  memory: ClientMemory,
  round: number,
  update: number[],
  global: number[],
  previousGlobal: number[],
): UploadContext {
  return {
    round,
    clientId: 0,
    update: Float32Array.from(update),
    global: Float32Array.from(global),
    previousGlobal: Float32Array.from(previousGlobal),
    backend,
    memory,
  };
}
