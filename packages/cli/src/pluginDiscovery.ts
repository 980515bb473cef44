import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A fedtune plugin package found among the installed packages. */
export interface InstalledPlugin {
  name: string;
  version: string;
  /** The folder whose `node_modules` holds it: where it is resolved from, as a run would. */
  resolveFrom: string;
  /** Its folder. */
  folder: string;
  /**
   * Its component manifest, as package.json's `"fedtune": { "components": … }` gives it (relative
   * to the package's folder); absent when it ships none.
   */
  components?: string;
}

/** What a package's package.json says that marks it a fedtune plugin. */
interface PluginManifest {
  name?: unknown;
  version?: unknown;
  keywords?: unknown;
  fedtune?: { plugin?: unknown; components?: unknown };
}

/** The npm keyword that marks a fedtune plugin, as `"fedtune": { "plugin": true }` does. */
export const PLUGIN_KEYWORD = 'fedtune-plugin';

/**
 * Every installed fedtune plugin that Node would resolve from `folders`: the packages in the
 * `node_modules` of each folder and of each folder above it (scoped ones too) whose package.json has
 * the keyword `fedtune-plugin` or `"fedtune": { "plugin": true }`. A name installed at several
 * levels counts once, at the nearest, as Node resolves it. Sorted by name.
 */
export function findInstalledPlugins(folders: readonly string[]): InstalledPlugin[] {
  const found = new Map<string, InstalledPlugin>();
  for (const folder of folders) {
    for (const from of foldersUpFrom(folder)) {
      const modules = join(from, 'node_modules');
      for (const packageFolder of packageFolders(modules)) {
        const manifest = readManifest(packageFolder);
        if (manifest === undefined || !isPluginManifest(manifest) || found.has(manifest.name)) continue;
        const components = manifest.fedtune?.components;
        found.set(manifest.name, {
          name: manifest.name,
          version: typeof manifest.version === 'string' ? manifest.version : '',
          resolveFrom: from,
          folder: packageFolder,
          ...(typeof components === 'string' ? { components } : {}),
        });
      }
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Whether a package.json marks its package a fedtune plugin. */
export function isPluginManifest(manifest: PluginManifest): manifest is PluginManifest & { name: string } {
  if (typeof manifest.name !== 'string' || manifest.name === '') return false;
  const keywords = Array.isArray(manifest.keywords) ? manifest.keywords : [];
  return keywords.includes(PLUGIN_KEYWORD) || manifest.fedtune?.plugin === true;
}

function foldersUpFrom(folder: string): string[] {
  const folders = [folder];
  for (let parent = dirname(folder); parent !== folders.at(-1); parent = dirname(parent)) folders.push(parent);
  return folders;
}

/** The package folders in a `node_modules` folder, `@scope/name` ones included. */
function packageFolders(modules: string): string[] {
  return entriesOf(modules).flatMap((entry) => {
    if (entry.startsWith('.')) return [];
    const folder = join(modules, entry);
    return entry.startsWith('@') ? entriesOf(folder).map((name) => join(folder, name)) : [folder];
  });
}

function entriesOf(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    // No node_modules here, or not a folder: nothing installed at this level.
    return [];
  }
}

/**
 * Both marks of a plugin (the keyword and the field) contain it, so a package.json without it is no
 * plugin's and is not parsed: most installed packages are none, and parsing each would cost
 * `fedtune list` tens of milliseconds.
 */
const MARK = 'fedtune';

function readManifest(packageFolder: string): PluginManifest | undefined {
  const file = join(packageFolder, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    const text = readFileSync(file, 'utf8');
    if (!text.includes(MARK)) return undefined;
    const manifest = JSON.parse(text) as unknown;
    return typeof manifest === 'object' && manifest !== null ? (manifest as PluginManifest) : undefined;
  } catch {
    // A broken package.json is npm's problem to report; it is simply no plugin here.
    return undefined;
  }
}
