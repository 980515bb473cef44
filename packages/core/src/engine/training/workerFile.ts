/**
 * The module a training worker thread runs.
 *
 * From the built package this module is `dist/engine/training/workerFile.js`, and the worker is the
 * compiled `trainingWorker.js` beside it. Run from the TypeScript sources (as vitest runs them)
 * there is no compiled file beside it, and Node cannot run `.ts` in a worker; the worker then
 * starts from `sourceWorker.mjs`, which lives beside the sources only, registers a loader that
 * transpiles TypeScript with the `typescript` compiler, and imports `trainingWorker.ts`. Tests thus
 * run the workers on the sources they test, never on a stale build.
 */
export function trainingWorkerFile(): URL {
  const here = import.meta.url;
  return new URL(here.endsWith('.ts') ? './sourceWorker.mjs' : './trainingWorker.js', here);
}
