import { CheckpointError } from '../errors.js';
import { excerpt } from './excerpt.js';
import { lineNestedTooDeep, MAX_STORED_JSON_NESTING } from '../io/jsonNesting.js';
import type { LedgerRow } from './ledger.js';

/** Columns a resumed run adds up from the rows it keeps: each must be a finite number. */
const SUMMED_COLUMNS = ['uplinkBytes', 'downlinkBytes', 'wallMs'] as const;

/**
 * Line `index` (counting from 0) of the ledger at `path`, kept by a resumed run: a
 * {@link CheckpointError} when it is not the JSON row of round `index` with the columns the run's
 * summary is computed from, since a summary built on it would be wrong.
 */
export function parseLedgerLine(line: string, index: number, path: string): LedgerRow {
  const refuse = (problem: string) =>
    new CheckpointError(
      `${path} line ${index + 1} ${problem}: ${excerpt(line)}; the folder was changed or damaged, start the run again without --resume.`,
    );
  // The run's summary and the report walk the rows it keeps; fedtune never writes a deeper one.
  if (lineNestedTooDeep(line) !== undefined) throw refuse(`nests lists and objects more than ${MAX_STORED_JSON_NESTING} deep`);
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch {
    throw refuse('is not valid JSON');
  }
  if (typeof row !== 'object' || row === null || Array.isArray(row)) throw refuse('is not a JSON object');
  const columns = row as Record<string, unknown>;
  if (columns['round'] !== index) throw refuse(`is not the row of round ${index}`);
  const bad = SUMMED_COLUMNS.find((column) => typeof columns[column] !== 'number' || !Number.isFinite(columns[column]));
  if (bad !== undefined) throw refuse(`has no finite ${bad}`);
  const accuracy = columns['testAccuracy'];
  if (accuracy !== null && (typeof accuracy !== 'number' || !Number.isFinite(accuracy))) {
    throw refuse('has a testAccuracy that is neither a number nor null');
  }
  return row as LedgerRow;
}
