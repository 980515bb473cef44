import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isFedtuneError } from '../../../src/errors.js';
import { MAX_SCORING_TEXT_BYTES, readScoringText } from '../../../src/model/scoring/scoringText.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-scoring-text-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('readScoringText', () => {
  it('reads UTF-8 text, a byte-order mark dropped', () => {
    const path = join(folder, 'text.txt');
    writeFileSync(path, '\uFEFFgrüße\n');
    expect(readScoringText(path)).toBe('grüße\n');
  });

  it('refuses a file over the cap before reading it, and one that is missing, as DataErrors', () => {
    const large = join(folder, 'large.txt');
    writeFileSync(large, '');
    // Sparse: the size alone is over the cap.
    truncateSync(large, MAX_SCORING_TEXT_BYTES + 1);
    expect(() => readScoringText(large)).toThrow(
      `${large} is ${MAX_SCORING_TEXT_BYTES + 1} bytes, over the ${MAX_SCORING_TEXT_BYTES}-byte limit for a text file; give a UTF-8 text file of at most ${MAX_SCORING_TEXT_BYTES} bytes.`
    );
    const missing = join(folder, 'missing.txt');
    let thrown: unknown;
    try {
      readScoringText(missing);
    } catch (error) {
      thrown = error;
    }
    expect(isFedtuneError(thrown, 'DataError')).toBe(true);
    expect((thrown as Error).message).toMatch(/^.*missing\.txt: cannot be read \(ENOENT.*\); check the path\.$/);
  });
});
