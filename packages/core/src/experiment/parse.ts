import { ConfigError } from '../errors.js';
import { formatExperimentIssues } from './formatIssues.js';
import { assertNestingWithin } from './nestingDepth.js';
import { experimentSchema, type Experiment } from './schema.js';

/** Problems listed in full; the rest are counted. */
const SHOWN_PROBLEMS = 20;

const SCHEMA_HINT =
  'Every field, its default and its allowed values: docs/experiment.schema.json (or `fedtune run --help`).';

/**
 * Validates an in-memory experiment (parsed JSON) and fills in defaults.
 * @param source names the experiment in error messages.
 * @throws ConfigError listing every problem, one `<field path>: <what is wrong>; allowed: <…>` per line,
 *   or naming a value nested deeper than `MAX_EXPERIMENT_NESTING`.
 */
export function parseExperiment(json: unknown, source = 'experiment'): Experiment {
  assertNestingWithin(json, source);
  const result = experimentSchema.safeParse(json);
  if (result.success) return result.data;
  const problems = formatExperimentIssues(result.error.issues, json);
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  // A list of thousands of wrong entries must not print thousands of lines: the first few show the pattern.
  const shown = problems.slice(0, SHOWN_PROBLEMS).map((problem) => `  - ${problem}`);
  if (problems.length > SHOWN_PROBLEMS) shown.push(`  - … and ${problems.length - SHOWN_PROBLEMS} more`);
  throw new ConfigError(`${source} has ${count}:\n${shown.join('\n')}\n${SCHEMA_HINT}`);
}
