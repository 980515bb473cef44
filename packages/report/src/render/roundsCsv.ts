import { groupRuns, type GroupLabels } from '../analysis/groupRuns.js';
import type { RunRecord } from '../read/types.js';
import { csvField } from './csvField.js';

/**
 * One CSV row per run and finished round: the run's label (as the report names its group), its
 * seed, then a column for every numeric ledger field any run wrote, in the order first seen,
 * fields the report does not know (a plugin's) included. Nested fields are named by their path
 * (`clustering.accuracy`, `taskAccuracy.0`, `metrics.effectiveRank`); a field a row lacks, or
 * holds as null, is an empty cell.
 */
export function roundsCsv(runs: readonly RunRecord[], labels?: GroupLabels): string {
  const rows = groupRuns(runs, labels).flatMap((group) =>
    group.runs.flatMap((run) =>
      run.ledger.map((row) => ({ label: group.label, seed: run.experiment.seed, values: numericFields(row) })),
    ),
  );
  const columns = [...new Set(rows.flatMap((row) => [...row.values.keys()]))];
  const lines = [
    ['run', 'seed', ...columns],
    ...rows.map((row) => [
      row.label,
      String(row.seed),
      ...columns.map((column) => String(row.values.get(column) ?? '')),
    ]),
  ];
  return lines.map((line) => line.map(csvField).join(',')).join('\n') + '\n';
}

/** The finite numbers in `value`, by dotted path, in the order they are written. */
function numericFields(value: unknown, path = '', fields = new Map<string, number>()): Map<string, number> {
  if (typeof value === 'number' && Number.isFinite(value)) fields.set(path, value);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      numericFields(child, path === '' ? key : `${path}.${key}`, fields);
    }
  }
  return fields;
}
