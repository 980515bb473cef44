import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../../errors.js';
import { readDataFile } from '../readDataFile.js';
import { parseFortunes } from './fortuneFormat.js';

/** Where Debian's fortune packages install their collections. */
export const FORTUNES_DIR = '/usr/share/games/fortunes';

/** Largest collection file read; Debian's largest is well under a megabyte. */
export const MAX_FORTUNE_FILE_BYTES = 64 * 1024 * 1024;

/** One language's collections: where they live and which Debian package installs them. */
export interface FortuneLanguage {
  /** ISO 639-1 code, the language label of its records. */
  code: string;
  /** Folder under the fortunes folder (`''`: the top level, where the English collections are). */
  folder: string;
  /** The Debian package that installs the folder. */
  aptPackage: string;
  /**
   * Encoding tried when a file is not valid UTF-8. Current packages ship UTF-8 only; older ones
   * shipped these single-byte encodings, and decoding them as UTF-8 would garble every accent.
   */
  legacyEncoding: string;
}

/**
 * The languages read, in label order. Czech is read from `cs/` (`cz/` only links to it); Slovak
 * (`sk/`, one collection) and every `off/` folder (collections Debian marks offensive) are left out.
 */
export const FORTUNE_LANGUAGES: readonly FortuneLanguage[] = [
  { code: 'en', folder: '', aptPackage: 'fortunes', legacyEncoding: 'latin1' },
  { code: 'de', folder: 'de', aptPackage: 'fortunes-de', legacyEncoding: 'latin1' },
  { code: 'es', folder: 'es', aptPackage: 'fortunes-es', legacyEncoding: 'latin1' },
  { code: 'it', folder: 'it', aptPackage: 'fortunes-it', legacyEncoding: 'latin1' },
  { code: 'pl', folder: 'pl', aptPackage: 'fortunes-pl', legacyEncoding: 'iso-8859-2' },
  { code: 'cs', folder: 'cs', aptPackage: 'fortunes-cs', legacyEncoding: 'iso-8859-2' },
  { code: 'ru', folder: 'ru', aptPackage: 'fortunes-ru', legacyEncoding: 'koi8-r' },
];

/** One fortune and where it came from. */
export interface FortuneRecord {
  text: string;
  /** The collection's path under the fortunes folder, without a `.fortunes` suffix: `science`, `de/computer`. */
  collection: string;
  /** ISO 639-1 code from {@link FORTUNE_LANGUAGES}. */
  language: string;
}

/** What {@link loadFortuneCorpus} reads. */
export interface FortuneCorpusOptions {
  /** The fortunes folder (default {@link FORTUNES_DIR}). */
  root?: string;
  /** Language codes to read (default: every one of {@link FORTUNE_LANGUAGES}). */
  languages?: readonly string[];
}

function languageOf(code: string): FortuneLanguage {
  const found = FORTUNE_LANGUAGES.find((language) => language.code === code);
  if (found === undefined) {
    throw new DataError(
      `fortune language "${code}" is unknown; use one of ${FORTUNE_LANGUAGES.map((l) => l.code).join(', ')}.`,
    );
  }
  return found;
}

/** The Debian package that installs `collection` (a path as {@link FortuneRecord.collection} writes it). */
export function aptPackageOf(collection: string): string {
  const folder = collection.includes('/') ? collection.slice(0, collection.indexOf('/')) : '';
  return (FORTUNE_LANGUAGES.find((language) => language.folder === folder) ?? FORTUNE_LANGUAGES[0]!).aptPackage;
}

/** UTF-8 when the bytes are valid UTF-8, the language's legacy encoding otherwise. */
function decodeCollection(bytes: Uint8Array, language: FortuneLanguage): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder(language.legacyEncoding).decode(bytes);
  }
}

/**
 * Collection files of one folder, sorted: regular files only, so `.u8` aliases, the top level's
 * links into language folders and sub-folders (`off/`) are skipped, as are `.dat` indices.
 */
function collectionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.dat') && !entry.name.endsWith('.u8'))
    .map((entry) => entry.name)
    .sort();
}

/** Whether `path` is a folder; a missing path, or one under a file, is not. */
function isFolder(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    return false;
  }
}

/**
 * Reads the installed fortune collections of the chosen languages into records, language by
 * language in {@link FORTUNE_LANGUAGES} order and file by file in name order. A fortune that
 * occurs more than once (within or across collections) is kept once, at its first occurrence, so
 * no text can land on both sides of a split or carry two labels.
 *
 * @throws DataError when the folder is a file, or it or a language's sub-folder is missing, naming
 *   the Debian package that installs it.
 */
export function loadFortuneCorpus(options: FortuneCorpusOptions = {}): FortuneRecord[] {
  const root = options.root ?? FORTUNES_DIR;
  const languages = (options.languages ?? FORTUNE_LANGUAGES.map((l) => l.code)).map(languageOf);
  if (existsSync(root) && !isFolder(root)) {
    throw new DataError(`the fortunes folder ${root} is not a folder; give the folder the collections are installed in (${FORTUNES_DIR} by default).`);
  }
  const seen = new Set<string>();
  const records: FortuneRecord[] = [];
  for (const language of languages) {
    const dir = join(root, language.folder);
    const files = isFolder(dir) ? collectionFiles(dir) : [];
    if (files.length === 0) {
      throw new DataError(
        `no fortune collections of language "${language.code}" in ${dir}; install them with ` +
          `"apt-get install ${language.aptPackage}", or leave "${language.code}" out of the languages.`,
      );
    }
    for (const file of files) {
      const name = file.replace(/\.fortunes$/, '');
      const collection = language.folder === '' ? name : `${language.folder}/${name}`;
      const bytes = readDataFile(join(dir, file), 'a fortune collection', MAX_FORTUNE_FILE_BYTES);
      for (const text of parseFortunes(decodeCollection(bytes, language))) {
        if (seen.has(text)) continue;
        seen.add(text);
        records.push({ text, collection, language: language.code });
      }
    }
  }
  return records;
}

/**
 * Checks that `records` hold every one of `collections`.
 *
 * @throws DataError naming the first absent collection and the Debian package that installs it.
 */
export function requireCollections(records: readonly FortuneRecord[], collections: readonly string[]): void {
  const present = new Set(records.map((record) => record.collection));
  const missing = collections.find((collection) => !present.has(collection));
  if (missing !== undefined) {
    throw new DataError(
      `the fortune collection "${missing}" is not installed; install it with "apt-get install ${aptPackageOf(
        missing,
      )}", or choose other collections.`,
    );
  }
}
