// The training worker's entry when fedtune runs from its TypeScript sources (tests): Node runs no
// .ts in a worker thread, so a transpiling loader is registered first. The built package runs the
// compiled trainingWorker.js instead and never loads this file (see workerFile.ts).
import { register } from 'node:module';

register('./typescriptHooks.mjs', import.meta.url);

export default (await import('./trainingWorker.ts')).default;
