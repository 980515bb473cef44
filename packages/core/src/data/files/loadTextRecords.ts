import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { DataError } from '../../errors.js';
import { readCsvRecords, type CsvRecordOptions } from './csvRecords.js';
import { readJsonlRecords, type JsonlRecordOptions } from './jsonlRecords.js';
import { readTextFolderRecords } from './textFolderRecords.js';
import type { TextRecords } from './textRecords.js';

/** Options of every format; each reader takes those that apply to it. */
export type TextRecordOptions = JsonlRecordOptions & CsvRecordOptions;

/**
 * Records of a local file or folder, by what it is: a folder of `.txt` files
 * ({@link readTextFolderRecords}), a `.jsonl` file ({@link readJsonlRecords}), or a `.csv` or
 * `.tsv` file ({@link readCsvRecords}; tab-delimited for `.tsv` unless a delimiter is given).
 *
 * @throws DataError for a path that does not exist or is another kind of file, and as the readers do.
 */
export function loadTextRecords(path: string, options: TextRecordOptions = {}): TextRecords {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats === undefined) throw new DataError(`${path} does not exist; give a .jsonl, .csv or .tsv file, or a folder of .txt files.`);
  if (stats.isDirectory()) return readTextFolderRecords(path);
  switch (extname(path).toLowerCase()) {
    case '.jsonl':
      return readJsonlRecords(path, options);
    case '.csv':
      return readCsvRecords(path, options);
    case '.tsv':
      return readCsvRecords(path, { ...options, delimiter: options.delimiter ?? '\t' });
    default:
      throw new DataError(`${path} is not a .jsonl, .csv or .tsv file; give one of those, or a folder of .txt files.`);
  }
}
