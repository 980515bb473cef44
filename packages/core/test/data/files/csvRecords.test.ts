import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from '../../../src/data/files/csvRecords.js';
import { DataError } from '../../../src/errors.js';
import { useTempDirs } from '../fixtures.js';

const tempDir = useTempDirs();

function csv(content: string, name = 'data.csv'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

describe('readCsvRecords', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, by column name', () => {
    const path = csv('id,label,text\r\n1,spam,"Buy now, ""cheap""!"\r\n2,ham,"line one\r\nline two"\r\n3,ham,plain\r\n');
    const records = readCsvRecords(path);
    expect(records.texts).toEqual(['Buy now, "cheap"!', 'line one\r\nline two', 'plain']);
    expect(records.labelNames).toEqual(['ham', 'spam']);
    expect([...(records.labels as Int32Array)]).toEqual([1, 0, 0]);
  });

  it('reads other column names, a byte-order mark, blank lines and no label column', () => {
    const path = csv('\ufeffreview,stars\n"great\nfilm",5\n\nbad,1\n');
    const records = readCsvRecords(path, { textField: 'review', labelField: 'stars' });
    expect(records.texts).toEqual(['great\nfilm', 'bad']);
    expect(records.labelNames).toEqual(['1', '5']);
    expect(readCsvRecords(csv('text,source\na,web\n'))).toEqual({ source: expect.any(String), texts: ['a'] });
  });

  it('reads tab-delimited files', () => {
    expect(readCsvRecords(csv('text\tlabel\na, b\tx\n'), { delimiter: '\t' }).texts).toEqual(['a, b']);
  });

  it('names a missing column and the columns the header has', () => {
    const path = csv('body,label\nx,y\n');
    expect(() => readCsvRecords(path)).toThrow(DataError);
    expect(() => readCsvRecords(path)).toThrow(`${path} line 1: no "text" column (the header has "body", "label")`);
    expect(() => readCsvRecords(path, { textField: 'body', labelField: 'class' })).toThrow('no "class" column');
  });

  it('names the line and row of a row with the wrong field count, counting lines inside quotes', () => {
    const path = csv('text,label\r\n"a\r\nb",x\r\nc,y,z\r\n');
    expect(() => readCsvRecords(path)).toThrow(`${path} line 4 (row 2): 3 fields, but the header has 2`);
  });

  it('names the file of broken quoting', () => {
    const path = csv('text,label\n"never closed,x\n');
    expect(() => readCsvRecords(path)).toThrow(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: Quote Not Closed`));
  });

  it('refuses a mix of labelled and unlabelled rows, an empty file and a header alone', () => {
    const mixed = csv('text,label\na,x\nb,\n');
    expect(() => readCsvRecords(mixed)).toThrow(
      `${mixed} mixes labelled and unlabelled records: line 3 (row 2) has no label in the "label" column but line 2 (row 1) has one`,
    );
    const empty = csv('');
    expect(() => readCsvRecords(empty)).toThrow(`${empty} is empty`);
    const header = csv('text,label\n');
    expect(() => readCsvRecords(header)).toThrow(`${header} holds no records`);
  });

  it('refuses a file that is not UTF-8', () => {
    const path = join(tempDir(), 'latin1.csv');
    writeFileSync(path, Uint8Array.from([...Buffer.from('text\ncaf'), 0xe9, 0x0a]));
    expect(() => readCsvRecords(path)).toThrow(`${path} is not valid UTF-8 (line 2`);
  });
});
