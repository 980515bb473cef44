// Evaluation cost: milliseconds of one round's evaluation (evaluateTasks over every task's test
// set) of the quickstart (the MLP on 10,000 test images) and of the next-byte transformer example,
// with the global model at its initial parameters, on the full test set and on the subset
// `evaluation.testLimit` gives the rounds before the last. Prints the figures and each evaluation's
// accuracy and loss, so two builds can be compared for speed and for identical results. Needs the
// built package (npm run build). Writes bench/results/evaluation.json at the repository root.
// Usage: node bench/evaluation.mjs [repetitions]
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createFedtuneContainer,
  evaluateTasks,
  expandRuns,
  prepareFederation,
  prepareInThreadRun,
  readExperimentFile,
  SlotPlacement,
} from '../dist/index.js';
import { interimTestTasks, testExamplesOf } from '../dist/engine/evaluationSchedule.js';
import { machineInfo, median, writeBenchResults } from './benchResults.mjs';

/** Each example with the `evaluation.testLimit` its subset figure is measured at. */
const EXAMPLES = [
  { file: 'examples/quickstart.json', testLimit: 1000 },
  { file: 'examples/text/next-byte.json', testLimit: 250 },
];
const repetitions = Number(process.argv[2] ?? 5);
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Median milliseconds of `repetitions` evaluations after an untimed one (V8 and the wasm heap settle), and its result. */
async function timeEvaluation(run, tasks, placement) {
  const result = await evaluateTasks(run.trainer, tasks, run.clients, placement);
  const times = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const began = performance.now();
    await evaluateTasks(run.trainer, tasks, run.clients, placement);
    times.push(performance.now() - began);
  }
  return { ms: median(times), times, result };
}

const results = [];
for (const { file, testLimit } of EXAMPLES) {
  const path = `${root}${file}`;
  const { experiment } = await readExperimentFile(path);
  const federation = await prepareFederation(experiment, dirname(path));
  const subset = interimTestTasks(federation.tasks, testLimit, experiment.seed);
  for (const spec of expandRuns(experiment)) {
    const run = await prepareInThreadRun(spec, federation, createFedtuneContainer());
    const global = run.adapter.instance.initialParameters(federation.base.frozen);
    const placement = new SlotPlacement(global, [], { length: global.length, knownSlots: new Set(), who: 'the bench' });
    for (const tasks of [federation.tasks, subset]) {
      const { ms, times, result } = await timeEvaluation(run, tasks, placement);
      const figures = { example: file, run: spec.experiment.label ?? spec.experiment.adapter.name, testExamples: testExamplesOf(tasks) };
      results.push({ ...figures, medianMs: ms, times, accuracy: result.accuracy, loss: result.loss });
      console.log(
        `${figures.example} [${figures.run}] ${figures.testExamples} test examples: ` +
          `median ${ms.toFixed(1)} ms (${times.map((t) => t.toFixed(0)).join(', ')}); accuracy ${result.accuracy} loss ${result.loss}`,
      );
    }
    await run.close();
  }
}

const report = {
  benchmark: 'evaluation',
  description: 'evaluateTasks milliseconds per round (median of timed repetitions after an untimed one), full test set and the testLimit subset',
  repetitions,
  results,
  machine: machineInfo(),
  date: new Date().toISOString(),
};
console.log(`wrote ${await writeBenchResults('evaluation', report)}`);
