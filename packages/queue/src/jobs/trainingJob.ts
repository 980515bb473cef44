import { createHash } from 'node:crypto';
import { PayloadError, type LocalTrainResult, type RandomKey, type SerialisedError, type WorkerReply } from '@fedtune/core';
import { fromBase64, toBase64 } from './binaryText.js';

/** The start vector of a job, stored once per round in Redis and named here by reference. */
export interface VectorReference {
  key: string;
  /** sha256 of the vector's bytes: the worker refuses a vector that does not match. */
  digest: string;
  length: number;
}

/** One slot's training, as a BullMQ job carries it (JSON). */
export interface TrainingJobData {
  /** Id of the training recipe (the experiment, adapter and training settings) in Redis. */
  recipe: string;
  round: number;
  client: number;
  slot: number;
  /** The batch-order key, as the in-process trainer gets it. */
  random: RandomKey;
  start: VectorReference;
  /** The slot's rows of the pool, as base64 of uint32 values. */
  indices: string;
}

/** What a worker trained, echoing the job it answers; stored in Redis as JSON under a result key. */
export interface TrainedSlot {
  recipe: string;
  round: number;
  client: number;
  slot: number;
  /** The trained vector, as base64 of float32 values. */
  parameters: string;
  meanLoss: number;
  steps: number;
  samples: number;
}

/**
 * A job's return value: where the worker stored the trained slot, or the error training threw (kept
 * apart so a diverged client stays a `NonFiniteError`). The vector itself stays out of the job and
 * out of BullMQ's event stream, which would keep a copy of every recent result.
 */
export type TrainingJobReply = WorkerReply<{ result: string }>;

/** sha256 of a vector's bytes, hex. */
export function vectorDigest(values: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');
}

/** What a worker stores for a job it trained. */
export function trainedSlot(job: TrainingJobData, result: LocalTrainResult): TrainedSlot {
  const { recipe, round, client, slot } = job;
  const { meanLoss, steps, samples } = result;
  return { recipe, round, client, slot, parameters: toBase64(result.parameters), meanLoss, steps, samples };
}

const describeJob = (job: TrainingJobData) => `the training result for client ${job.client} slot ${job.slot} in round ${job.round}`;

/**
 * The result key a job's reply names.
 * @throws the worker's own error, revived, when training failed there; PayloadError for anything
 *   but a fedtune worker's reply.
 */
export function resultKeyOf(reply: unknown, job: TrainingJobData, revive: (error: SerialisedError) => Error): string {
  const answer = reply as TrainingJobReply | null;
  if (typeof answer !== 'object' || answer === null || typeof answer.ok !== 'boolean') {
    throw new PayloadError(`${describeJob(job)} is not a fedtune worker's reply; are the workers on this queue running fedtune?`);
  }
  if (!answer.ok) throw revive(answer.error);
  if (typeof answer.value?.result !== 'string' || !answer.value.result.startsWith('fedtune:result:')) {
    throw new PayloadError(`${describeJob(job)} names no result key; are the workers on this queue running the same fedtune?`);
  }
  return answer.value.result;
}

/**
 * The training result a worker stored, checked like an upload before the run takes it: it must
 * answer this very job (same recipe, round, client and slot), and hold a vector of the start's
 * length with finite values and a finite loss.
 * @throws PayloadError naming what is wrong.
 */
export function acceptResult(stored: string | null, job: TrainingJobData): LocalTrainResult {
  const where = describeJob(job);
  if (stored === null) throw new PayloadError(`${where} is no longer in Redis; was Redis restarted or its memory full?`);
  let value: TrainedSlot;
  try {
    value = JSON.parse(stored) as TrainedSlot;
  } catch (error) {
    throw new PayloadError(`${where} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof value !== 'object' || value === null) throw new PayloadError(`${where} is not a trained slot; it was refused.`);
  const echoes = (['recipe', 'round', 'client', 'slot'] as const).filter((field) => value[field] !== job[field]);
  if (echoes.length > 0) {
    const sent = echoes.map((field) => `${field} ${String(value[field])}`).join(', ');
    throw new PayloadError(
      `${where} was refused: it answers ${sent}, another experiment or round; ` +
        "check that every worker on this queue runs this fedtune version and that nothing else writes to this Redis.",
    );
  }
  const parameters = fromBase64(value.parameters, Float32Array, where);
  if (parameters.length !== job.start.length) {
    throw new PayloadError(`${where} holds ${parameters.length} values, not the ${job.start.length} of the adapter; it was refused.`);
  }
  const bad = parameters.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new PayloadError(`${where} holds ${parameters[bad]} at index ${bad}; it was refused.`);
  for (const field of ['meanLoss', 'steps', 'samples'] as const) {
    if (typeof value[field] !== 'number' || !Number.isFinite(value[field])) {
      throw new PayloadError(`${where} has ${field} ${String(value[field])}, not a finite number; it was refused.`);
    }
  }
  return { parameters, meanLoss: value.meanLoss, steps: value.steps, samples: value.samples };
}
