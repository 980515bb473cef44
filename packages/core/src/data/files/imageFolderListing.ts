import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../../errors.js';

/** Labels are bytes, so classes 0…255. */
export const MAX_IMAGE_CLASSES = 256;
/** A classifier needs something to tell apart. */
export const MIN_IMAGE_CLASSES = 2;

/** The image file names read, matched without regard to case. */
const IMAGE_NAME = /\.(png|jpe?g)$/i;
const IMAGE_KINDS = '.png, .jpg or .jpeg';

/** One class of a folder of class folders: its name and its image files in name order. */
export interface ImageClass {
  name: string;
  paths: string[];
}

/** The classes found and what was passed over, for the caller to show. */
export interface ImageFolderListing {
  classes: ImageClass[];
  notes: string[];
}

/**
 * The class folders of `folder` in name order, each with its `.png`, `.jpg` and `.jpeg` files in
 * name order. Names sort by UTF-16 code unit (JavaScript's default sort: `B` before `a`), the same
 * in every locale. Hidden entries (names starting with `.`) are passed over silently; other files
 * and nested folders are passed over with a note. Links are followed.
 * @throws DataError when `folder` cannot be read, has fewer than {@link MIN_IMAGE_CLASSES} or more
 *   than {@link MAX_IMAGE_CLASSES} class folders, a class folder holds no image, or there are more
 *   than `maxImages` images.
 */
export function listImageFolder(folder: string, maxImages: number): ImageFolderListing {
  const classNames: string[] = [];
  const besideClasses: string[] = [];
  for (const entry of visibleEntries(folder)) (isFolder(folder, entry) ? classNames : besideClasses).push(entry.name);
  assertClassCount(folder, classNames, besideClasses);

  const passedOver = { files: [] as string[], folders: [] as string[] };
  let imageCount = 0;
  const classes = classNames.map((name) => {
    const classFolder = join(folder, name);
    const paths: string[] = [];
    for (const entry of visibleEntries(classFolder)) {
      const shown = `${name}/${entry.name}`;
      if (isFolder(classFolder, entry)) passedOver.folders.push(shown);
      else if (IMAGE_NAME.test(entry.name)) paths.push(join(classFolder, entry.name));
      else passedOver.files.push(shown);
    }
    if (paths.length === 0) {
      throw new DataError(`${classFolder} holds no ${IMAGE_KINDS} image; add images of class "${name}", or remove the folder.`);
    }
    imageCount += paths.length;
    if (imageCount > maxImages) {
      throw new DataError(
        `${folder} holds more than ${maxImages} images, the limit; read a smaller folder, or raise limits.maxImages.`,
      );
    }
    return { name, paths };
  });

  const notes = [
    passedOverNote(besideClasses, 'file', 'beside the class folders'),
    passedOverNote(passedOver.files, 'file', `that is not a ${IMAGE_KINDS} image`, `that are not ${IMAGE_KINDS} images`),
    passedOverNote(passedOver.folders, 'folder', 'inside a class folder (only files directly in a class folder are read)'),
  ].filter((note) => note !== undefined);
  return { classes, notes };
}

function assertClassCount(folder: string, classNames: readonly string[], besideClasses: readonly string[]): void {
  if (classNames.length === 0) {
    const loose = besideClasses.filter((name) => IMAGE_NAME.test(name)).length;
    throw new DataError(
      `${folder} has no class folders${loose > 0 ? ` (its ${loose} images lie directly in it)` : ''}; put each ` +
        "class's images in a subfolder named after the class, e.g. cat/001.png and dog/001.png.",
    );
  }
  if (classNames.length < MIN_IMAGE_CLASSES) {
    throw new DataError(
      `${folder} has one class folder, "${classNames[0]}"; a classifier needs at least ${MIN_IMAGE_CLASSES} ` +
        'classes: add a subfolder of images for each other class.',
    );
  }
  if (classNames.length > MAX_IMAGE_CLASSES) {
    throw new DataError(
      `${folder} has ${classNames.length} class folders; labels are bytes, so at most ${MAX_IMAGE_CLASSES} ` +
        'classes can be read: merge classes, or split the data into several folders.',
    );
  }
}

/** The folder's entries but hidden ones, sorted by name. */
function visibleEntries(folder: string): Dirent[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a folder' : `cannot be read (${(error as Error).message})`;
    throw new DataError(`${folder} ${problem}; name a folder holding one subfolder of images per class.`, { cause: error });
  }
  return entries.filter((entry) => !entry.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A folder, or a link to one; a broken link is not. */
function isFolder(parent: string, entry: Dirent): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(join(parent, entry.name)).isDirectory();
  } catch {
    return false;
  }
}

function passedOverNote(names: readonly string[], kind: string, where: string, whereMany = where): string | undefined {
  if (names.length === 0) return undefined;
  const what = names.length === 1 ? `1 ${kind} ${where}` : `${names.length} ${kind}s ${whereMany}`;
  return `passed over ${what}: ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}`;
}
