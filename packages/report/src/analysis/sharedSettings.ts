import type { RunRecord } from '../read/types.js';
import { experimentFields } from './experimentFields.js';

/**
 * The experiment fields (as `path, value` text) that are the same in every run, in the file's
 * order: the setting the comparison holds fixed, shown once instead of in every label.
 */
export function sharedSettings(runs: readonly RunRecord[]): [string, string][] {
  const [first, ...others] = runs.map((run) => experimentFields(run.experiment));
  if (first === undefined) return [];
  return [...first].filter(([path, value]) => others.every((fields) => fields.get(path) === value));
}
