import { CsvError, parse } from 'csv-parse/sync';
import { DataError } from '../../errors.js';
import { readDataFile } from '../readDataFile.js';
import { decodeUtf8File } from './strictUtf8.js';
import { MAX_TEXT_DATA_BYTES, TextRecordCollector, type TextRecords } from './textRecords.js';

/** Which columns of a CSV file hold the text and label. */
export interface CsvRecordOptions {
  /** The text's column (default `text`). */
  textField?: string;
  /**
   * The label's column. Named, it must exist and every row must fill it; left out, a `label`
   * column is read when the header has one (an empty cell counts as no label).
   */
  labelField?: string;
  /** The field delimiter (default `,`; `\t` for TSV). */
  delimiter?: string;
}

const NEWLINE = 0x0a;

/**
 * Records of a CSV file whose first row names the columns. Fields follow RFC 4180 (parsed by
 * `csv-parse`): a field holding the delimiter, a quote or a line break is wrapped in double
 * quotes, with its quotes doubled. Lines may end in LF or CRLF; blank lines are skipped. The file
 * is read whole, at most {@link MAX_TEXT_DATA_BYTES}.
 *
 * @throws DataError naming the file and line for a missing column, a row whose field count differs
 *   from the header's, broken quoting, a mix of labelled and unlabelled rows, and for a file that
 *   is not UTF-8, is too large or holds no rows.
 */
export function readCsvRecords(path: string, options: CsvRecordOptions = {}): TextRecords {
  const bytes = readDataFile(path, 'a CSV file', MAX_TEXT_DATA_BYTES);
  decodeUtf8File(bytes, path);
  let rows: { record: string[]; info: { bytes: number } }[];
  try {
    rows = parse(bytes, {
      bom: true,
      delimiter: options.delimiter ?? ',',
      // Both, so a file whose line endings were mixed by editing still splits into its lines.
      record_delimiter: ['\r\n', '\n'],
      info: true,
      // Field counts are checked below, to name the row and both counts.
      relax_column_count: true,
    }) as unknown as typeof rows;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    throw new DataError(
      `${path}: ${error.message}; wrap a field that holds a quote, the delimiter or a line break in double quotes, doubling its quotes.`,
      { cause: error },
    );
  }
  const header = rows[0]?.record;
  if (header === undefined) throw new DataError(`${path} is empty; a CSV file starts with a header row naming its columns.`);
  const columnOf = columnFinder(path, header);
  const textIndex = columnOf(options.textField ?? 'text', true) as number;
  const labelName = options.labelField ?? 'label';
  const labelIndex = columnOf(labelName, options.labelField !== undefined);
  const records = new TextRecordCollector(path, {
    what: `the "${labelName}" column`,
    required: options.labelField !== undefined,
    fix: `fill the "${labelName}" column in every row, or in none`,
  });
  // csv-parse counts a line break inside quotes as two lines when it is CRLF; counting newline
  // bytes up to where each row starts gives the line an editor shows.
  let line = 1;
  let scanned = 0;
  rows.forEach(({ record, info }, row) => {
    // A row runs from where the previous one ended to its own end, `info.bytes`.
    const firstLine = line;
    line += newlinesIn(bytes, scanned, info.bytes);
    scanned = info.bytes;
    if (row === 0 || (record.length === 1 && record[0] === '')) return;
    const where = `line ${firstLine} (row ${row})`;
    if (record.length !== header.length) {
      throw new DataError(
        `${path} ${where}: ${record.length} fields, but the header has ${header.length}; ` +
          'wrap a field that holds the delimiter or a line break in double quotes.',
      );
    }
    const label = labelIndex === undefined ? '' : (record[labelIndex] as string);
    records.add(record[textIndex] as string, label === '' ? undefined : label, where);
  });
  return records.finish();
}

function newlinesIn(bytes: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE, from); at !== -1 && at < to; at = bytes.indexOf(NEWLINE, at + 1)) count++;
  return count;
}

/** The index of a column by name; `undefined` for an absent optional one. */
function columnFinder(path: string, header: readonly string[]): (name: string, required: boolean) => number | undefined {
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw new DataError(`${path} line 1: the header names column "${name}" twice; give every column its own name.`);
    seen.add(name);
  }
  return (name, required) => {
    const index = header.indexOf(name);
    if (index === -1 && required) {
      throw new DataError(
        `${path} line 1: no "${name}" column (the header has ${header.map((column) => JSON.stringify(column)).join(', ')}); ` +
          'name the column that holds it.',
      );
    }
    return index === -1 ? undefined : index;
  };
}
