/**
 * File names inside a results folder, as the engine writes them. Kept here rather than imported so
 * that reading results does not load the engine and its numeric libraries.
 */
export const RUN_FILES = {
  experiment: 'experiment.json',
  ledger: 'ledger.jsonl',
  summary: 'summary.json',
  compare: 'compare',
} as const;
