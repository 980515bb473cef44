// The page the WebGPU training test opens: bundled as the client page is (core's browser entry,
// lazy GPU chunks), it sets an experiment up as a joining tab does and trains one client's slot.
import * as tf from '@tensorflow/tfjs-core';
import { RandomStream, RandomStreams } from '@fedtune/core';
import { setUpBrowserExperiment } from '../../src/browser/browserExperiment.js';
import type { TrainingStep, TrainingStepRequest } from './trainingStep.js';

/** Trains `request`'s client from the run's initial adapter, perturbed, on the backend it names. */
async function trainOneStep(request: TrainingStepRequest): Promise<TrainingStep> {
  const page = new URL(location.href);
  const local = await setUpBrowserExperiment(request.experimentJson, {
    plugins: [],
    dataUrl: new URL('data/', page).href,
    wasmUrl: new URL('tfjs-wasm/', page).href,
    tfBackend: request.tfBackend,
  });
  const [spec] = local.runs;
  if (spec === undefined) throw new Error('the experiment has no run');
  const run = await local.prepare(spec);
  try {
    const { seed } = local.experiment;
    const start = run.adapter.instance.initialParameters(local.federation.base.frozen);
    // LoRA starts B at zero, which leaves A's gradient exactly zero on any backend: the noise
    // gives every factor a gradient, so the step exercises each backward pass.
    const noise = new RandomStream({ seed, round: 0, client: request.clientId, stream: NOISE_STREAM });
    for (let index = 0; index < start.length; index++) start[index] = (start[index] as number) + request.noise * noise.normal();
    const slot = run.clients[request.clientId]?.slots[0];
    if (slot === undefined) throw new Error(`client ${request.clientId} has no slot`);
    const trained = await run.modelOf(request.clientId).trainer.train(start, slot, { seed, round: 0, client: request.clientId, stream: RandomStreams.batchShuffle });
    return {
      federationBackend: local.federation.tfBackend,
      activeBackend: tf.getBackend(),
      gpuBytes: (tf.memory() as { numBytesInGPU?: number }).numBytesInGPU ?? 0,
      start: Array.from(start),
      parameters: Array.from(trained.parameters),
      meanLoss: trained.meanLoss,
      steps: trained.steps,
      samples: trained.samples,
    };
  } finally {
    await run.close();
  }
}

/** A stream no component draws from, for the perturbation of the start. */
const NOISE_STREAM = 999;

/** Called by the bundle's entry, as fedtune's client page is. */
export function startClientPage(): void {
  (globalThis as { fedtuneTrainingStep?: typeof trainOneStep }).fedtuneTrainingStep = trainOneStep;
}
