import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonlRecords } from '../../../src/data/files/jsonlRecords.js';
import { DataError } from '../../../src/errors.js';
import { useTempDirs } from '../fixtures.js';

const tempDir = useTempDirs();

function jsonl(content: string | Uint8Array): string {
  const path = join(tempDir(), 'data.jsonl');
  writeFileSync(path, content);
  return path;
}

const lines = (...records: unknown[]) => records.map((record) => JSON.stringify(record)).join('\n');

describe('readJsonlRecords', () => {
  it('reads texts and turns labels into indices of the sorted label names', () => {
    const path = jsonl(lines({ text: 'a', label: 'pos' }, { text: 'b', label: 'neg' }, { text: 'c', label: 'pos' }) + '\n');
    const records = readJsonlRecords(path);
    expect(records.texts).toEqual(['a', 'b', 'c']);
    expect(records.labelNames).toEqual(['neg', 'pos']);
    expect([...(records.labels as Int32Array)]).toEqual([1, 0, 1]);
    expect(records.source).toBe(path);
  });

  it('sorts integer labels by value, and reads records without labels as unlabelled', () => {
    const numbered = readJsonlRecords(jsonl(lines({ text: 'a', label: 10 }, { text: 'b', label: 2 }, { text: 'c', label: 1 })));
    expect(numbered.labelNames).toEqual(['1', '2', '10']);
    expect([...(numbered.labels as Int32Array)]).toEqual([2, 1, 0]);
    const plain = readJsonlRecords(jsonl(lines({ text: 'a' }, { text: 'b', label: null })));
    expect(plain).toEqual({ source: expect.any(String), texts: ['a', 'b'] });
  });

  it('reads the fields it is told to, skips blank lines and takes CRLF line ends', () => {
    const path = jsonl('{"body": "x\\ny", "topic": "t"}\r\n\r\n  \n{"body": "z", "topic": "u"}\r\n');
    const records = readJsonlRecords(path, { textField: 'body', labelField: 'topic' });
    expect(records.texts).toEqual(['x\ny', 'z']);
    expect(records.labelNames).toEqual(['t', 'u']);
  });

  it('names the file and line of a line that is not JSON, has no text string or an ill-typed label', () => {
    const good = lines({ text: 'a', label: 'x' });
    const cases: [string, string][] = [
      ['{"text": "b", ', 'line 3: not JSON'],
      ['["b"]', 'line 3: not a JSON object'],
      ['{"text": 5}', 'line 3: no "text" string'],
      ['{"text": "b", "label": 1.5}', 'line 3: "label" is 1.5, not a string or integer'],
      ['{"text": "b", "label": ["x"]}', 'line 3: "label" is ["x"], not a string or integer'],
    ];
    for (const [bad, message] of cases) {
      const path = jsonl(`${good}\n\n${bad}\n${good}`);
      expect(() => readJsonlRecords(path)).toThrow(DataError);
      expect(() => readJsonlRecords(path)).toThrow(`${path} ${message}`);
    }
  });

  it('refuses a mix of labelled and unlabelled records, naming a line of each', () => {
    const path = jsonl(lines({ text: 'a', label: 'x' }, { text: 'b', label: 'y' }, { text: 'c' }));
    expect(() => readJsonlRecords(path)).toThrow(
      `${path} mixes labelled and unlabelled records: line 3 has no label in the "label" field but line 1 has one`,
    );
  });

  it('requires a label on every line when the label field is named', () => {
    const path = jsonl(lines({ text: 'a' }));
    expect(() => readJsonlRecords(path, { labelField: 'label' })).toThrow(`${path} line 1: no label in the "label" field`);
  });

  it('refuses an empty file and one that is not UTF-8, naming the file (and the line)', () => {
    const empty = jsonl('\n\n');
    expect(() => readJsonlRecords(empty)).toThrow(`${empty} holds no records`);
    const latin1 = jsonl(Uint8Array.from([...Buffer.from('{"text": "a"}\n{"text": "caf'), 0xe9, ...Buffer.from('"}\n')]));
    expect(() => readJsonlRecords(latin1)).toThrow(`${latin1} is not valid UTF-8 (line 2 holds bytes that are not)`);
  });

  it('refuses a path that is not a regular file', () => {
    const dir = tempDir();
    expect(() => readJsonlRecords(dir)).toThrow(`${dir} is a folder, not a regular file`);
  });
});
