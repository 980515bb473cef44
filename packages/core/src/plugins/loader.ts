import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DependencyContainer } from 'tsyringe';
import type { FedtunePlugin } from '../contracts/plugin.js';
import { type FedtuneError, isFedtuneError, PluginError } from '../errors.js';
import { locatePackageFolder, packageEntry } from './locatePackage.js';
import { pluginFromExports } from './pluginExports.js';
import { assertPluginSharesCore } from './sharedCore.js';

/** Where {@link loadPlugins} looks for plugin packages. */
export interface LoadPluginsOptions {
  /** Folder whose node_modules are searched first: the experiment file's folder. The working directory follows. */
  resolveFrom: string;
  /**
   * A folder no plugin may be imported from: a results folder being resumed. Its files came with the
   * results, possibly from someone else, and a results folder is data, never code to run.
   */
  refuseFrom?: string;
}

/**
 * Imports each plugin package (in order, each once) and lets it register its components.
 * @returns the plugins loaded, for reporting their versions.
 * @throws PluginError when a package is not installed, would load its own copy of `@fedtune/core`,
 *   does not export a plugin, fails to load, or registers a name or random streams already taken.
 */
export async function loadPlugins(
  container: DependencyContainer,
  packageNames: readonly string[],
  options: LoadPluginsOptions,
): Promise<FedtunePlugin[]> {
  const loaded: FedtunePlugin[] = [];
  for (const name of new Set(packageNames)) {
    const plugin = await importPlugin(name, [options.resolveFrom, process.cwd()], options.refuseFrom);
    try {
      plugin.register(container);
    } catch (error) {
      throw asPluginError(error, `plugin "${name}" failed to register its components`);
    }
    loaded.push(plugin);
  }
  return loaded;
}

/** The package being imported right now, if any (see {@link pluginBeingLoaded}). */
let importing: string | undefined;

/**
 * The plugin package whose import has not settled yet, or `undefined`. A plugin whose top-level code
 * awaits something that never happens leaves Node nothing to run, and Node then exits (status 13)
 * without a word; a command can name the plugin from its exit handler.
 */
export function pluginBeingLoaded(): string | undefined {
  return importing;
}

async function importPlugin(name: string, searchFrom: readonly string[], refuseFrom: string | undefined): Promise<FedtunePlugin> {
  const folder = locatePackageFolder(name, searchFrom);
  if (folder === undefined) throw new PluginError(`plugin "${name}" is not installed: npm install ${name}`);
  if (refuseFrom !== undefined && isInside(folder, refuseFrom)) {
    throw new PluginError(
      `plugin "${name}" would be imported from ${folder}, inside the results folder ${refuseFrom}; fedtune never runs ` +
        `code that came with a results folder. Install the plugin where you run fedtune (npm install ${name}) and resume again.`,
    );
  }
  const entry = packageEntry(name, folder);
  assertPluginSharesCore(name, folder);
  let exports: Record<string, unknown>;
  importing = name;
  try {
    exports = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (error) {
    throw asPluginError(error, `plugin "${name}" failed to load from ${entry}`);
  } finally {
    importing = undefined;
  }
  return pluginFromExports(name, exports);
}

/** Whether `path` is `folder` or lies under it, after resolving symbolic links (a link must not smuggle a path out). */
function isInside(path: string, folder: string): boolean {
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : resolve(p));
  const from = relative(real(folder), real(path));
  return from === '' || (!from.startsWith('..') && !isAbsolute(from));
}

/** Keeps fedtune's own errors, from any copy of core (a name clash names both plugins already); wraps anything else with context. */
function asPluginError(error: unknown, context: string): FedtuneError {
  if (isFedtuneError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new PluginError(`${context}: ${reason}`, { cause: error });
}
