export { buildComponents, type ComponentChoice, type RunComponents } from './components.js';
export { assertComponentsCompatible, componentAssumptionWarnings, type RunShape } from './componentCompatibility.js';
export {
  CHECKPOINT_FILE,
  decodeCheckpoint,
  encodeCheckpoint,
  readCheckpoint,
  runFingerprint,
  type ServerState,
} from './checkpoint.js';
export { readResumeRecord, RESUME_FILE, type ResumeRecord } from './resumeRecord.js';
export type { LedgerRow, RunSummary } from './ledger.js';
export { MemoryStore, slotComponent } from './memoryStore.js';
export { evaluateTasks, type TaskEvaluation } from './evaluateTasks.js';
export { SlotPlacement } from './slotPlacement.js';
export { RESULT_FILES, ResultsFolder, writeJsonAtomic } from './resultsFolder.js';
export { ResultsFolderClaim, type ResultsFolderIntent, type ResultsFolderMode } from './resultsFolderClaim.js';
export { runRounds, type RoundLoopInput, type RoundLoopResult } from './roundLoop.js';
export { planRun, type PlannedRun, prepareRun, type PreparedRun, type PrepareRunOptions } from './preparedRun.js';
export { prepareInThreadRun } from './plannedRun.js';
export { createRunAdapter, type RunAdapter } from './runAdapter.js';
export {
  type ClientModel,
  type ClientSide,
  SimulatedClients,
  type SimulatedClientsSettings,
  type SlotAssignment,
  type SlotOutcome,
} from './clientSide.js';
export { type RoundEvent, type RunOptions, runExperiment } from './runExperiment.js';
export { expandRuns, type RunSpec, slugify, withRunLabel } from './runSpecs.js';
export { type ExperimentPreparationOptions, prepareExperiment, type PreparedExperiment } from './experimentPreparation.js';
export { findUpdateProblem } from './updateValidation.js';
export type { SlotTrainer } from './training/slotTrainer.js';
export { InThreadSlotTrainer } from './training/inThreadTrainer.js';
export { defaultWorkerCount, WorkerPoolTrainer, type WorkerPoolOptions } from './training/workerPoolTrainer.js';
export type { AdapterRecipe, TrainingWorkerRecipe } from './training/workerRecipe.js';
export { trainerFromRecipe, type RecipeTrainer } from './training/recipeTrainer.js';
export type { RunTrainers, RunTrainersInput, RunTrainersSource } from './training/runTrainers.js';
export { reviveError, serialiseError, type SerialisedError } from './training/remoteError.js';
export type { WorkerReply } from './training/workerMessages.js';
