import type { LocalTrainResult } from '../../model/training/trainer.js';
import type { RandomKey } from '../../random/counterRandom.js';
import type { SerialisedError } from './remoteError.js';

/** One slot to train: only what differs per call travels; the examples are the recipe's shared pool. */
export interface TrainRequest {
  kind: 'train';
  start: Float32Array;
  /** Rows of the recipe's pool this slot trains on. */
  indices: Uint32Array;
  clientId: number;
  slot: number;
  random: RandomKey;
}

/**
 * Asks a worker whether it built its trainer, and on which tf backend. The worker answers once
 * `arrived[0]` counts `workers` workers, holding its thread until then, so each worker of the pool
 * answers exactly one of the pool's first `workers` requests.
 */
export interface ReadyRequest {
  kind: 'ready';
  /** One shared counter of the workers that have answered. */
  arrived: Int32Array;
  workers: number;
}

export type WorkerRequest = TrainRequest | ReadyRequest;

/** What a worker reports when it is ready. */
export interface WorkerReady {
  threadId: number;
  tfBackend: string;
  parameterCount: number;
}

/**
 * A worker's answer. Failures are returned, not thrown: the pool would pass a thrown error through
 * structured clone, which keeps only built-in error classes, and the round loop tells diverged
 * clients apart by class.
 */
export type WorkerReply<Value> = { ok: true; value: Value } | { ok: false; error: SerialisedError };
