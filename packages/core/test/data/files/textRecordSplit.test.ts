import { describe, expect, it } from 'vitest';
import { splitTextRecords } from '../../../src/data/files/textRecordSplit.js';
import type { TextRecords } from '../../../src/data/files/textRecords.js';
import { ConfigError } from '../../../src/errors.js';

const records: TextRecords = {
  source: 'data.jsonl',
  texts: Array.from({ length: 200 }, (_, i) => `text ${i}`),
  labels: Int32Array.from({ length: 200 }, (_, i) => i % 3),
  labelNames: ['a', 'b', 'c'],
};

describe('splitTextRecords', () => {
  it('puts each text on one side, keeping its label and every label name', () => {
    const { train, test } = splitTextRecords(records, { seed: 1, testFraction: 0.25 });
    expect(train.texts.length + test.texts.length).toBe(200);
    expect(test.texts.length).toBeGreaterThan(30);
    expect(test.texts.length).toBeLessThan(70);
    expect(new Set([...train.texts, ...test.texts]).size).toBe(200);
    for (const side of [train, test]) {
      expect(side.labelNames).toEqual(['a', 'b', 'c']);
      side.texts.forEach((text, i) => expect(side.labels?.[i]).toBe(Number(text.slice(5)) % 3));
    }
  });

  it('sends a text to the same side whatever else is loaded, and refuses a bad share', () => {
    const whole = splitTextRecords(records, { seed: 1, testFraction: 0.25 });
    const half = splitTextRecords({ source: 'x', texts: records.texts.slice(0, 100) }, { seed: 1, testFraction: 0.25 });
    expect(half.test.texts).toEqual(whole.test.texts.filter((text) => Number(text.slice(5)) < 100));
    expect(half.test.labels).toBeUndefined();
    expect(() => splitTextRecords(records, { seed: 1, testFraction: 1 })).toThrow(ConfigError);
  });
});
