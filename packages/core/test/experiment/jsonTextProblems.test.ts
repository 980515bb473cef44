import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { findJsonSyntaxProblem } from '../../src/experiment/jsonSyntax.js';
import { parseExperiment, readExperimentFile } from '../../src/experiment/load.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-json-text-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function errorReading(name: string, text: string): Promise<Error> {
  const path = join(folder, name);
  writeFileSync(path, text);
  const error = await readExperimentFile(path).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ConfigError);
  return error as Error;
}

describe('a field given twice', () => {
  it('is refused with its path and both lines, though JSON.parse would keep the last', async () => {
    const text = '{\n  "data": { "numClients": 2 },\n  "training": {\n    "rounds": 1,\n    "rounds": 300\n  }\n}';
    expect(JSON.parse(text).training.rounds).toBe(300);
    const error = await errorReading('twice.json', text);
    expect(error.message).toMatch(/twice\.json cannot be read as written: line 5, column 5: training\.rounds is given twice \(first on line 4\)/);
    expect(error.message).toContain('5 |     "rounds": 300');
  });

  it('is found when the two spellings differ only in escapes, and in lists of objects', () => {
    expect(findJsonSyntaxProblem('{"a": 1, "\\u0061": 2}')).toMatchObject({ kind: 'duplicate-key', line: 1, column: 10 });
    expect(findJsonSyntaxProblem('{"compare": [{"label": "x"}, {"label": "y", "label": "z"}]}')?.problem).toMatch(
      /^compare\[1\]\.label is given twice/,
    );
    expect(findJsonSyntaxProblem('{"a": {"b": 1}, "c": {"b": 2}}')).toBeUndefined();
  });
});

describe('excerpts of a long line', () => {
  it('show at most 120 characters around the error, with the caret under it', async () => {
    const long = 'x'.repeat(5_000_000);
    const text = `{"data": {"numClients": 2}, "name": "${long}", "training": {"rounds": 1} oops "${long}"}`;
    const error = await errorReading('long.json', text);
    expect(error.message.length).toBeLessThan(600);
    const [excerpt, caret] = error.message.split('\n').slice(-2) as [string, string];
    expect(excerpt.length).toBeLessThanOrEqual('1 | '.length + 122);
    expect(excerpt[caret.length - 1]).toBe('o');
    expect(excerpt.slice(caret.length - 1)).toMatch(/^oops "x+…$/);
  });

  it('keep short lines whole', () => {
    expect(findJsonSyntaxProblem('{"seed": x}')?.excerpt).toBe('1 | {"seed": x}\n             ^');
  });
});

describe('numbers beyond the range of a double', () => {
  it('are refused with their literal text rather than read as null', async () => {
    const error = await errorReading(
      'huge.json',
      '{\n  "data": { "numClients": 2 },\n  "training": { "rounds": 1, "learningRate": 1e400 }\n}',
    );
    expect(error.message).toMatch(/line 3, column 46: the number 1e400 is out of range \(not finite\)/);
    expect(error.message).not.toContain('null');
  });

  it('are named as not finite when an experiment built in code holds one', () => {
    expect(() => parseExperiment({ data: { numClients: 2 }, training: { rounds: 1, learningRate: Infinity } })).toThrow(
      /training\.learningRate: got Infinity \(not a finite number\)/,
    );
  });
});
