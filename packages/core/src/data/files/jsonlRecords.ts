import { DataError } from '../../errors.js';
import { readDataFile } from '../readDataFile.js';
import { decodeUtf8File } from './strictUtf8.js';
import { MAX_TEXT_DATA_BYTES, TextRecordCollector, type TextRecords } from './textRecords.js';

/** Which fields of a JSONL record hold its text and label. */
export interface JsonlRecordOptions {
  /** The text's field (default `text`). */
  textField?: string;
  /**
   * The label's field. Named, every record must have one; left out, `label` is read when records
   * have it and the records are unlabelled when none has.
   */
  labelField?: string;
}

/**
 * Records of a JSONL file: one JSON object per line, with a text string and an optional label
 * (a string, or an integer read as its decimal name; `null` counts as no label). Blank lines are
 * skipped; a line may end in CRLF. The file is read whole, at most {@link MAX_TEXT_DATA_BYTES}.
 *
 * @throws DataError naming the file and line for a line that is not a JSON object, has no text
 *   string or a label that is neither string nor integer, for a mix of labelled and unlabelled
 *   records, and for a file that is not UTF-8, is too large or holds no records.
 */
export function readJsonlRecords(path: string, options: JsonlRecordOptions = {}): TextRecords {
  const textField = options.textField ?? 'text';
  const labelField = options.labelField ?? 'label';
  const text = decodeUtf8File(readDataFile(path, 'a JSONL file', MAX_TEXT_DATA_BYTES), path);
  const records = new TextRecordCollector(path, {
    what: `the "${labelField}" field`,
    required: options.labelField !== undefined,
    fix: `give every line a "${labelField}", or none`,
  });
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    const where = `line ${index + 1}`;
    const fail = (problem: string, fix: string) => new DataError(`${path} ${where}: ${problem}; ${fix}.`);
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch (error) {
      throw fail(`not JSON (${(error as Error).message})`, 'write one JSON object per line');
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw fail('not a JSON object', `write one object per line, like {"${textField}": "…", "${labelField}": "…"}`);
    }
    const fields = record as Record<string, unknown>;
    const value = fields[textField];
    if (typeof value !== 'string') {
      throw fail(`no "${textField}" string`, `give every line a "${textField}" string, or name the field that holds the text`);
    }
    const label = fields[labelField];
    if (label === undefined || label === null) {
      records.add(value, undefined, where);
    } else if (typeof label === 'string' || Number.isSafeInteger(label)) {
      records.add(value, String(label), where);
    } else {
      throw fail(`"${labelField}" is ${JSON.stringify(label)}, not a string or integer`, 'write each label as a string or an integer');
    }
  });
  return records.finish();
}
