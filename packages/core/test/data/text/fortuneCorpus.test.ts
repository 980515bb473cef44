import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/errors.js';
import {
  FORTUNES_DIR,
  aptPackageOf,
  loadFortuneCorpus,
  requireCollections,
} from '../../../src/data/text/fortuneCorpus.js';
import { TOPIC_COLLECTIONS, languageFeatureSet, topicFeatureSet } from '../../../src/data/text/textFeatures.js';
import { splitTexts } from '../../../src/data/text/textSplit.js';
import { FIXTURE_ROOT } from './fixtures.js';

describe('loadFortuneCorpus on the fixture', () => {
  const records = loadFortuneCorpus({ root: FIXTURE_ROOT, languages: ['en', 'de'] });

  it('reads every collection file in name order, labelled with collection and language', () => {
    const collections = [...new Set(records.map((r) => `${r.language}:${r.collection}`))];
    expect(collections).toEqual(['en:computers', 'en:food', 'de:de/computer', 'de:de/kueche']);
    expect(records[0]).toEqual({
      text: 'A program is a spell cast over a computer, turning input into error messages.',
      collection: 'computers',
      language: 'en',
    });
  });

  it('skips .dat indices and off/ folders, and keeps a fortune found twice only once', () => {
    expect(records.some((r) => r.text.includes('junk') || r.text.includes('never be read'))).toBe(false);
    const twice = records.filter((r) => r.text === 'The compiler warned me, but I was busy.');
    expect(twice).toEqual([{ text: twice[0]!.text, collection: 'computers', language: 'en' }]);
    expect(records.filter((r) => r.collection === 'food')).toHaveLength(5);
  });

  it('decodes UTF-8 files as UTF-8 and older Latin-1 files by the language’s legacy encoding', () => {
    expect(records.map((r) => r.text)).toContain('Größer ist nicht immer schneller, aber öfter.');
    expect(records.map((r) => r.text)).toContain('Käse macht glücklich.');
  });

  it('names the Debian package when a language or a collection is not installed', () => {
    expect(() => loadFortuneCorpus({ root: FIXTURE_ROOT, languages: ['ru'] })).toThrow(
      /language "ru" .*apt-get install fortunes-ru/
    );
    expect(() => loadFortuneCorpus({ root: FIXTURE_ROOT, languages: ['xx'] })).toThrow(DataError);
    expect(() => requireCollections(records, ['science'])).toThrow(/"science" is not installed.*apt-get install fortunes"/);
    expect(() => topicFeatureSet(records, { sequenceLength: 16 })).toThrow(DataError);
    expect(() => languageFeatureSet(records, { sequenceLength: 16, languages: ['en', 'pl'] })).toThrow(
      /apt-get install fortunes-pl/
    );
    expect(aptPackageOf('es/ciencia')).toBe('fortunes-es');
    expect(aptPackageOf('science')).toBe('fortunes');
  });

  it('refuses a fortunes folder that is a file, as bad data naming it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fedtune-fortunes-')), 'not-a-folder');
    writeFileSync(file, 'a file');
    expect(() => loadFortuneCorpus({ root: file })).toThrow(
      new DataError(`the fortunes folder ${file} is not a folder; give the folder the collections are installed in (${FORTUNES_DIR} by default).`),
    );
  });
});

const installed = existsSync(FORTUNES_DIR);

describe.skipIf(!installed)(`the installed collections in ${FORTUNES_DIR}`, () => {
  it('hold every language, every topic collection and tasks with real labels', () => {
    const records = loadFortuneCorpus();
    expect(new Set(records.map((r) => r.language))).toEqual(new Set(['en', 'de', 'es', 'it', 'pl', 'cs', 'ru']));
    expect(new Set(records.map((r) => r.text)).size).toBe(records.length);
    // No mis-decoded text: U+FFFD would mean a file was read in the wrong encoding.
    expect(records.filter((r) => r.text.includes('\uFFFD'))).toEqual([]);
    const { train, test, pretrain } = splitTexts(records);
    const topics = topicFeatureSet(train, { sequenceLength: 64 });
    expect(topics.classNames).toEqual(TOPIC_COLLECTIONS);
    for (let c = 0; c < topics.numClasses; c++) expect(topics.labels.filter((l) => l === c).length).toBeGreaterThan(50);
    const languages = languageFeatureSet(test, { sequenceLength: 64, maxPerClass: 500 });
    expect(languages.count).toBe(7 * 500);
    expect(pretrain.length).toBeGreaterThan(10_000);
  });
});

if (!installed) {
  it.skip(`real fortune collections: ${FORTUNES_DIR} is absent (apt-get install fortunes fortunes-de fortunes-es fortunes-it fortunes-pl fortunes-cs fortunes-ru)`, () => {});
}
