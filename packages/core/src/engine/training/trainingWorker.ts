// Entry of a training worker thread. tsyringe needs the Reflect polyfill before anything imports it.
import 'reflect-metadata';
import { threadId } from 'node:worker_threads';
import Tinypool from 'tinypool';
import type { ClientData } from '../../data/types.js';
import { FedtuneError } from '../../errors.js';
import type { LocalTrainResult } from '../../model/training/trainer.js';
import { trainerFromRecipe } from './recipeTrainer.js';
import { serialiseError } from './remoteError.js';
import type { ReadyRequest, TrainRequest, WorkerReady, WorkerReply, WorkerRequest } from './workerMessages.js';
import type { TrainingWorkerRecipe } from './workerRecipe.js';

const recipe = Tinypool.workerData as TrainingWorkerRecipe;

/** How long a worker waits for the others to start before the pool gives up. */
const START_TIMEOUT_MS = 120_000;

// Built once per worker, before the first task. A failure is kept and answered to every request,
// because a throw here would end the thread without a message the main thread could show.
const built = await trainerFromRecipe(recipe).then(
  (value) => ({ ok: true, value }) as const,
  (error: unknown) => ({ ok: false, error: serialiseError(error) }) as const,
);

/** Answers one request from the pool (Tinypool calls the default export). */
export default async function handle(request: WorkerRequest): Promise<WorkerReply<LocalTrainResult | WorkerReady>> {
  if (!built.ok) return built;
  try {
    if (request.kind === 'ready') {
      await allArrived(request);
      const { tfBackend, parameterCount } = built.value;
      return { ok: true, value: { threadId, tfBackend, parameterCount } };
    }
    const result = await built.value.trainer.train(request.start, slotData(request), request.random);
    return movingParameters({ ok: true, value: result });
  } catch (error) {
    return { ok: false, error: serialiseError(error) };
  }
}

/**
 * The reply marked so Tinypool transfers the parameters' buffer instead of copying it: the trainer
 * made the vector for this reply alone. Tinypool reads the marks on the top-level value only.
 */
function movingParameters(reply: { ok: true; value: LocalTrainResult }): WorkerReply<LocalTrainResult> {
  const movable = { [Tinypool.transferableSymbol]: reply.value.parameters.buffer, [Tinypool.valueSymbol]: reply };
  return Tinypool.move(movable as never) as unknown as WorkerReply<LocalTrainResult>;
}

/** Waits until every worker of the pool has taken its ready request (polling: it happens once per pool). */
async function allArrived(request: ReadyRequest): Promise<void> {
  Atomics.add(request.arrived, 0, 1);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Atomics.load(request.arrived, 0) < request.workers) {
    if (Date.now() > deadline) {
      throw new FedtuneError(
        `Only ${Atomics.load(request.arrived, 0)} of ${request.workers} training workers started within ` +
          `${START_TIMEOUT_MS / 1000} s; use fewer workers (--workers) or free memory and CPU.`,
      );
    }
    await new Promise((done) => setTimeout(done, 2));
  }
}

function slotData(request: TrainRequest): ClientData {
  return { clientId: request.clientId, slot: request.slot, source: recipe.pool, indices: request.indices };
}
