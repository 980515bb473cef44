import { DataError } from '../../errors.js';

/**
 * Largest JSONL or CSV file read, and the most bytes the .txt files of one folder may hold
 * together: files are read whole, and their text and tokens are held in memory.
 */
export const MAX_TEXT_DATA_BYTES = 256 * 1024 * 1024;
/** Most records read from one file or folder. */
export const MAX_TEXT_RECORDS = 1_000_000;

/** Texts read from a local file or folder, with their classes when the records carry labels. */
export interface TextRecords {
  /** The file or folder they were read from, for messages. */
  readonly source: string;
  readonly texts: readonly string[];
  /** Class index of each text, into {@link TextRecords.labelNames}; absent for unlabelled records. */
  readonly labels?: Int32Array;
  /**
   * The distinct labels, sorted (by value when all are integers, so `10` follows `2`; by code
   * point otherwise): class i is `labelNames[i]`. Absent for unlabelled records.
   */
  readonly labelNames?: readonly string[];
}

/** How a reader names the label of its records, for messages: `the "label" field`. */
export interface LabelSource {
  /** `the "label" field`, `the "label" column`, `a class folder`. */
  readonly what: string;
  /** Whether every record must carry one (a label field or column was named explicitly). */
  readonly required: boolean;
  /** What to do about a record without one when labels are not required. */
  readonly fix: string;
}

/**
 * Collects a reader's records in order, refusing more than {@link MAX_TEXT_RECORDS} and a mix of
 * labelled and unlabelled ones, and turns labels into class indices.
 */
export class TextRecordCollector {
  private readonly texts: string[] = [];
  private readonly labels: string[] = [];
  /** Where the first record was read, and whether it had a label: the reference a mix is named against. */
  private first: { where: string; labelled: boolean } | undefined;

  constructor(
    private readonly source: string,
    private readonly label: LabelSource,
  ) {}

  /**
   * Adds one record; `where` names it in messages (`line 17`, `row 3 (line 5)`, a file's path).
   * @throws DataError past the record cap, or for a record whose labelling differs from the first's.
   */
  add(text: string, label: string | undefined, where: string): void {
    if (this.texts.length === MAX_TEXT_RECORDS) {
      throw new DataError(`${this.source} holds more than ${MAX_TEXT_RECORDS} records (the limit); split it and use a part.`);
    }
    const labelled = label !== undefined;
    if (!labelled && this.label.required) {
      throw new DataError(`${this.source} ${where}: no label in ${this.label.what}; give every record one.`);
    }
    this.first ??= { where, labelled };
    if (labelled !== this.first.labelled) {
      const [without, withLabel] = labelled ? [this.first.where, where] : [where, this.first.where];
      throw new DataError(
        `${this.source} mixes labelled and unlabelled records: ${without} has no label in ${this.label.what} but ${withLabel} has one; ${this.label.fix}.`,
      );
    }
    this.texts.push(text);
    if (labelled) this.labels.push(label);
  }

  /**
   * The records collected.
   * @throws DataError when there are none.
   */
  finish(): TextRecords {
    if (this.texts.length === 0) throw new DataError(`${this.source} holds no records; check that it is the data you meant.`);
    if (this.first?.labelled !== true) return { source: this.source, texts: this.texts };
    const labelNames = sortLabelNames(new Set(this.labels));
    const index = new Map(labelNames.map((name, i) => [name, i]));
    return {
      source: this.source,
      texts: this.texts,
      labels: Int32Array.from(this.labels, (name) => index.get(name) as number),
      labelNames,
    };
  }
}

const INTEGER = /^-?(0|[1-9]\d*)$/;

/** Label names in class order: by value when every name is an integer, by code point otherwise. */
export function sortLabelNames(names: Iterable<string>): string[] {
  const sorted = [...names];
  if (sorted.every((name) => INTEGER.test(name))) return sorted.sort((a, b) => compare(BigInt(a), BigInt(b)));
  return sorted.sort(compare);
}

function compare<T extends string | bigint>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
