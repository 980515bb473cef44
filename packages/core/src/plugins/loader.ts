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
    const plugin = await importPlugin(name, [options.resolveFrom, process.cwd()]);
    try {
      plugin.register(container);
    } catch (error) {
      throw asPluginError(error, `plugin "${name}" failed to register its components`);
    }
    loaded.push(plugin);
  }
  return loaded;
}

async function importPlugin(name: string, searchFrom: readonly string[]): Promise<FedtunePlugin> {
  const folder = locatePackageFolder(name, searchFrom);
  if (folder === undefined) throw new PluginError(`plugin "${name}" is not installed: npm install ${name}`);
  const entry = packageEntry(name, folder);
  assertPluginSharesCore(name, folder);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (error) {
    throw asPluginError(error, `plugin "${name}" failed to load from ${entry}`);
  }
  return pluginFromExports(name, exports);
}

/** Keeps fedtune's own errors, from any copy of core (a name clash names both plugins already); wraps anything else with context. */
function asPluginError(error: unknown, context: string): FedtuneError {
  if (isFedtuneError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new PluginError(`${context}: ${reason}`, { cause: error });
}
