import type { FedtunePlugin } from '../contracts/plugin.js';
import { PluginError } from '../errors.js';

/** Checks the descriptor's shape: plugins are plain JavaScript at run time. */
export function isFedtunePlugin(value: unknown): value is FedtunePlugin {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof FedtunePlugin, unknown>>;
  return (
    typeof candidate.name === 'string' &&
    typeof candidate.version === 'string' &&
    typeof candidate.register === 'function'
  );
}

/**
 * The descriptor a plugin package exports, as `default` or as `plugin`: how `loadPlugins` reads an
 * imported package in Node and how a browser bundle reads the modules it was built with.
 * @throws PluginError naming what the package exports instead.
 */
export function pluginFromExports(name: string, exports: Readonly<Record<string, unknown>>): FedtunePlugin {
  const plugin = [exports.default, exports.plugin].find(isFedtunePlugin);
  if (plugin === undefined) {
    const found = Object.keys(exports).join(', ') || 'nothing';
    throw new PluginError(
      `package "${name}" is not a fedtune plugin: it must export (as default or as "plugin") an object ` +
        `with name, version and register(container); it exports: ${found}`,
    );
  }
  return plugin;
}
