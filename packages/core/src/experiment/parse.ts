import { ConfigError } from '../errors.js';
import { formatExperimentIssues } from './formatIssues.js';
import { experimentSchema, type Experiment } from './schema.js';

const SCHEMA_HINT =
  'Every field, its default and its allowed values: docs/experiment.schema.json (or `fedtune run --help`).';

/**
 * Validates an in-memory experiment (parsed JSON) and fills in defaults.
 * @param source names the experiment in error messages.
 * @throws ConfigError listing every problem, one `<field path>: <what is wrong>; allowed: <…>` per line.
 */
export function parseExperiment(json: unknown, source = 'experiment'): Experiment {
  const result = experimentSchema.safeParse(json);
  if (result.success) return result.data;
  const problems = formatExperimentIssues(result.error.issues, json);
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  throw new ConfigError(
    `${source} has ${count}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n${SCHEMA_HINT}`,
  );
}
