export { buildComponents, type ComponentChoice, type RunComponents } from './components.js';
export type { LedgerRow, RunSummary } from './ledger.js';
export { MemoryStore } from './memoryStore.js';
export { type Federation, prepareFederation } from './prepareFederation.js';
export { RESULT_FILES, ResultsFolder, writeJsonAtomic } from './resultsFolder.js';
export { runRounds, type RoundLoopInput } from './roundLoop.js';
export { type RoundEvent, type RunOptions, runExperiment } from './runExperiment.js';
export { expandRuns, type RunSpec, slugify } from './runSpecs.js';
export { findUpdateProblem } from './updateValidation.js';
