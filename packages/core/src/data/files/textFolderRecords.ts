import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../../errors.js';
import { readDataFile } from '../readDataFile.js';
import { decodeUtf8File } from './strictUtf8.js';
import { MAX_TEXT_DATA_BYTES, MAX_TEXT_RECORDS, TextRecordCollector, type TextRecords } from './textRecords.js';

const TEXT_FILE = /\.txt$/i;

/** The entries of a folder that are read: hidden ones (`.git`, `.DS_Store`) are not. Links are followed. */
function listFolder(folder: string): { files: string[]; folders: string[] } {
  const files: string[] = [];
  const folders: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    if (name.startsWith('.')) continue;
    const stats = statSync(join(folder, name), { throwIfNoEntry: false });
    if (stats?.isDirectory() === true) folders.push(name);
    else if (TEXT_FILE.test(name)) files.push(name);
  }
  return { files, folders };
}

/**
 * Records of a folder of `.txt` files, one text per file (UTF-8, read whole). A folder holding
 * only `.txt` files gives unlabelled records; a folder holding only sub-folders gives one class
 * per sub-folder, named by it, with the `.txt` files directly inside it as its examples. Files
 * are read in name order, classes in label order; other files and hidden entries are skipped.
 * At most {@link MAX_TEXT_RECORDS} files of {@link MAX_TEXT_DATA_BYTES} bytes together are read,
 * checked before any is read.
 *
 * @throws DataError naming the folder or file when the path is not a folder, it holds no .txt
 *   files, it mixes .txt files and class folders, a class folder holds no .txt files or holds
 *   folders of its own, the files are too many or too large, or a file is not UTF-8.
 */
export function readTextFolderRecords(folder: string): TextRecords {
  if (statSync(folder, { throwIfNoEntry: false })?.isDirectory() !== true) {
    throw new DataError(`${folder} is not a folder; give the folder that holds the .txt files.`);
  }
  const top = listFolder(folder);
  if (top.files.length > 0 && top.folders.length > 0) {
    throw new DataError(
      `${folder} mixes labelled and unlabelled records: ${join(folder, top.files[0] as string)} lies beside the class folder ` +
        `${join(folder, top.folders[0] as string)}; move every .txt file into a class folder, or remove the folders.`,
    );
  }
  const files: { path: string; label: string | undefined }[] = top.files.map((name) => ({ path: join(folder, name), label: undefined }));
  for (const label of top.folders) {
    const classFolder = join(folder, label);
    const inside = listFolder(classFolder);
    if (inside.folders.length > 0) {
      throw new DataError(
        `${join(classFolder, inside.folders[0] as string)} is a folder inside the class folder ${classFolder}; ` +
          'only .txt files directly inside a class folder are read — move its files up.',
      );
    }
    if (inside.files.length === 0) {
      throw new DataError(`the class folder ${classFolder} holds no .txt files; add its examples or remove it.`);
    }
    files.push(...inside.files.map((name) => ({ path: join(classFolder, name), label })));
  }
  if (files.length === 0) throw new DataError(`${folder} holds no .txt files; put one text per .txt file in it.`);
  checkTotal(folder, files);
  const records = new TextRecordCollector(folder, { what: 'a class folder', required: false, fix: 'put every file in a class folder' });
  // The sizes were checked as listed; a file that has grown since is refused at the remaining budget.
  let budget = MAX_TEXT_DATA_BYTES;
  for (const { path, label } of files) {
    const bytes = readDataFile(path, 'a text file', budget);
    budget -= bytes.length;
    records.add(decodeUtf8File(bytes, path), label, path);
  }
  return records.finish();
}

function checkTotal(folder: string, files: readonly { path: string }[]): void {
  if (files.length > MAX_TEXT_RECORDS) {
    throw new DataError(`${folder} holds ${files.length} .txt files, over the limit of ${MAX_TEXT_RECORDS}; use a part of them.`);
  }
  const total = files.reduce((sum, { path }) => sum + statSync(path).size, 0);
  if (total > MAX_TEXT_DATA_BYTES) {
    throw new DataError(`${folder} holds ${total} bytes of .txt files, over the limit of ${MAX_TEXT_DATA_BYTES}; use a part of them.`);
  }
}
