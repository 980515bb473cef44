import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTextRecords } from '../../../src/data/files/loadTextRecords.js';
import { readTextFolderRecords } from '../../../src/data/files/textFolderRecords.js';
import { DataError } from '../../../src/errors.js';
import { useTempDirs } from '../fixtures.js';

const tempDir = useTempDirs();

/** Writes `files` (path relative to a fresh folder → content) and returns the folder. */
function folder(files: Record<string, string | Uint8Array>): string {
  const root = tempDir();
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('readTextFolderRecords', () => {
  it('reads one unlabelled text per .txt file in name order, skipping other and hidden files', () => {
    const root = folder({ 'b.txt': 'second', 'a.txt': 'first\nline', 'notes.md': 'skip', '.hidden.txt': 'skip' });
    expect(readTextFolderRecords(root)).toEqual({ source: root, texts: ['first\nline', 'second'] });
  });

  it('labels each file by its class folder, classes in sorted order', () => {
    const root = folder({ 'sport/2.txt': 'goal', 'politics/1.txt': 'vote', 'sport/1.TXT': 'match' });
    const records = readTextFolderRecords(root);
    expect(records.labelNames).toEqual(['politics', 'sport']);
    expect(records.texts).toEqual(['vote', 'match', 'goal']);
    expect([...(records.labels as Int32Array)]).toEqual([0, 1, 1]);
  });

  it('refuses a folder with no .txt files, and a class folder with none', () => {
    const empty = folder({ 'readme.md': 'x' });
    expect(() => readTextFolderRecords(empty)).toThrow(DataError);
    expect(() => readTextFolderRecords(empty)).toThrow(`${empty} holds no .txt files`);
    const hollow = folder({ 'a/1.txt': 'x', 'b/readme.md': 'y' });
    expect(() => readTextFolderRecords(hollow)).toThrow(`the class folder ${join(hollow, 'b')} holds no .txt files`);
  });

  it('refuses .txt files beside class folders, and folders inside a class folder', () => {
    const mixed = folder({ 'loose.txt': 'x', 'a/1.txt': 'y' });
    expect(() => readTextFolderRecords(mixed)).toThrow(
      `${mixed} mixes labelled and unlabelled records: ${join(mixed, 'loose.txt')} lies beside the class folder ${join(mixed, 'a')}`,
    );
    const nested = folder({ 'a/deeper/1.txt': 'x' });
    expect(() => readTextFolderRecords(nested)).toThrow(`${join(nested, 'a', 'deeper')} is a folder inside the class folder`);
  });

  it('refuses a file that is not UTF-8 or not a regular file, naming it', () => {
    const root = folder({ 'a.txt': 'fine', 'b.txt': Uint8Array.from([0x63, 0x61, 0x66, 0xe9]) });
    expect(() => readTextFolderRecords(root)).toThrow(`${join(root, 'b.txt')} is not valid UTF-8 (line 1`);
    const linked = folder({ 'a.txt': 'fine' });
    symlinkSync('/dev/zero', join(linked, 'zero.txt'));
    expect(() => readTextFolderRecords(linked)).toThrow(`${join(linked, 'zero.txt')} (a link to /dev/zero) is a character device`);
  });
});

describe('loadTextRecords', () => {
  it('reads a folder, a .jsonl, a .csv and a .tsv file by what the path is', () => {
    const root = folder({
      'texts/a.txt': 'from txt',
      'data.jsonl': '{"text": "from jsonl"}\n',
      'data.csv': 'text\n"from, csv"\n',
      'data.tsv': 'text\tlabel\nfrom tsv\tx\n',
    });
    expect(loadTextRecords(join(root, 'texts')).texts).toEqual(['from txt']);
    expect(loadTextRecords(join(root, 'data.jsonl')).texts).toEqual(['from jsonl']);
    expect(loadTextRecords(join(root, 'data.csv')).texts).toEqual(['from, csv']);
    expect(loadTextRecords(join(root, 'data.tsv')).labelNames).toEqual(['x']);
  });

  it('refuses a missing path and an unknown extension', () => {
    const root = folder({ 'data.parquet': 'x' });
    expect(() => loadTextRecords(join(root, 'none.jsonl'))).toThrow(`${join(root, 'none.jsonl')} does not exist`);
    expect(() => loadTextRecords(join(root, 'data.parquet'))).toThrow('is not a .jsonl, .csv or .tsv file');
  });
});
