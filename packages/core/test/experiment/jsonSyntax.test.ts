import { describe, expect, it } from 'vitest';
import { findJsonSyntaxProblem } from '../../src/experiment/jsonSyntax.js';

describe('findJsonSyntaxProblem', () => {
  it('accepts what JSON.parse accepts', () => {
    const valid = ['{}', '[]', ' {"a": [1, -2.5e3, "x\\n\\u00e9", true, false, null, {}]} ', '"s"', '0'];
    for (const text of valid) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(findJsonSyntaxProblem(text)).toBeUndefined();
    }
  });

  it.each([
    ['{"a": }', 1, 7, /expected a value/],
    ['{\n  "a": 1,\n}', 3, 1, /trailing comma before "}"/],
    [
      '{\n  "a": 1\n  "b": 2\n}',
      3,
      3,
      /expected "," or "}" after a property value; found a double quote; is a "," missing/,
    ],
    ["{'a': 1}", 1, 2, /single quote/],
    ['{"a": 1} // note', 1, 10, /unexpected text after the end/],
    ['{"a": tru}', 1, 7, /unknown word "tru"/],
    ['{"a": 01}', 1, 7, /leading zeros/],
    ['{"a": [1 2]}', 1, 10, /expected "," or "]" after a list element/],
    ['{"a": "x', 1, 9, /string is never closed/],
    ['{"a": {"b": 1}', 1, 15, /the end of the file/],
    ['{"a": 1, /* c */ "b": 2}', 1, 10, /comment/],
    ['{a: 1}', 1, 2, /found 'a' \(names and strings need double quotes\)/],
  ])('locates the error in %j at line %i, column %i', (text, line, column, problem) => {
    expect(() => JSON.parse(text)).toThrow();
    const found = findJsonSyntaxProblem(text);
    expect(found).toMatchObject({ line, column });
    expect(found?.problem).toMatch(problem);
  });

  it('shows the offending line with a caret under the column', () => {
    const found = findJsonSyntaxProblem('{\n  "rounds": 5,\n  "seed": x\n}');
    expect(found?.excerpt).toBe('3 |   "seed": x\n              ^');
  });
});
