import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { quotedExcerpt } from '../engine/excerpt.js';
import { PluginError } from '../errors.js';

/** Export conditions that apply when a package is loaded with `import()` in Node. */
const IMPORT_CONDITIONS = new Set(['node', 'import', 'module-sync', 'default']);

/** npm's rule for package names (lower-case, optional scope), which also rules out paths. */
/** npm refuses longer package names. */
const MAX_PACKAGE_NAME_LENGTH = 214;
const PACKAGE_NAME = /^(@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;

/**
 * The folder of package `name` as `import(name)` would find it, looked up from each folder in turn
 * with Node's own node_modules search, or `undefined` when the package is installed in none of them.
 *
 * Node cannot resolve an ESM specifier from an arbitrary folder without an experimental flag, and
 * `require.resolve` refuses packages that only export an `import` condition (as fedtune plugins
 * do); so the package folder comes from `require.resolve.paths`, and {@link packageEntry} reads its
 * entry from the manifest.
 */
export function locatePackageFolder(name: string, searchFrom: readonly string[]): string | undefined {
  if (name.length > MAX_PACKAGE_NAME_LENGTH || !PACKAGE_NAME.test(name)) {
    throw new PluginError(
      `${quotedExcerpt(name)} is not an npm package name; list plugins by package name, e.g. "fedtune-plugin-trimmed-mean"`,
    );
  }
  for (const from of searchFrom) {
    const lookupFolders = createRequire(join(resolve(from), 'noop.js')).resolve.paths(name) ?? [];
    const folder = lookupFolders
      .map((modules) => join(modules, name))
      .find((candidate) => existsSync(join(candidate, 'package.json')));
    if (folder !== undefined) return folder;
  }
  return undefined;
}

/** The file `import()` loads from the package in `folder`: its manifest's `exports` (with the conditions `import()` uses), then `main`. */
export function packageEntry(name: string, folder: string): string {
  const manifestPath = join(folder, 'package.json');
  const manifest = readManifest(name, manifestPath);
  const target = exportsTarget(manifest.exports) ?? (typeof manifest.main === 'string' ? manifest.main : 'index.js');
  const entry = resolve(folder, target);
  if (!existsSync(entry)) {
    throw new PluginError(
      `plugin "${name}" is installed but its entry file ${target} is missing (${manifestPath}); ` +
        'build the package (npm run build) or reinstall it',
    );
  }
  return entry;
}

/** The manifest fields that locate a package's entry. */
interface Manifest {
  exports?: unknown;
  main?: unknown;
}

function readManifest(name: string, manifestPath: string): Manifest {
  try {
    return JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  } catch (error) {
    const reason = (error as Error).message;
    throw new PluginError(
      `plugin "${name}" has an unreadable ${manifestPath}: ${reason}; reinstall it (npm install ${name})`,
      { cause: error },
    );
  }
}

/** The root export's target for `import()`, or `undefined` when the manifest has no `exports`. */
function exportsTarget(exports: unknown): string | undefined {
  if (exports === undefined || exports === null) return undefined;
  const isSubpathMap =
    typeof exports === 'object' && !Array.isArray(exports) && Object.keys(exports).some((key) => key.startsWith('.'));
  return pickConditional(isSubpathMap ? (exports as Record<string, unknown>)['.'] : exports);
}

function pickConditional(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const alternative of target) {
      const picked = pickConditional(alternative);
      if (picked !== undefined) return picked;
    }
    return undefined;
  }
  if (typeof target === 'object' && target !== null) {
    // Conditions apply in the manifest's key order, the first matching one wins.
    for (const [condition, value] of Object.entries(target)) {
      if (!IMPORT_CONDITIONS.has(condition)) continue;
      const picked = pickConditional(value);
      if (picked !== undefined) return picked;
    }
  }
  return undefined;
}
