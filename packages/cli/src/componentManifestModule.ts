import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ComponentDescription, ComponentManifest } from '@fedtune/core/components';
import { assertPluginSharesCore, PluginError } from '@fedtune/core/light';
import { CONTRACT_KINDS } from './contractComponentTable.js';
import type { PluginComponents } from './pluginComponents.js';
import type { InstalledPlugin } from './pluginDiscovery.js';

/**
 * What a plugin provides, from the component manifest its package.json names (`"fedtune":
 * { "components": "./dist/components.js" }`), without importing the plugin's entry and with it core's
 * engine: the fast way `fedtune list` reads a plugin. Like a run, it refuses a plugin that would load
 * its own copy of `@fedtune/core`.
 * @throws PluginError when the module lies outside the package, fails to import, or does not export
 *   `components` in the shape of a `ComponentManifest`.
 */
export async function manifestComponents(installed: InstalledPlugin & { components: string }): Promise<PluginComponents> {
  const file = resolve(installed.folder, installed.components);
  const inside = relative(installed.folder, file);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new PluginError(
      `plugin "${installed.name}": "fedtune.components" in its package.json (${installed.components}) leads outside the ` +
        'package; name a module inside it, such as "./dist/components.js"',
    );
  }
  assertPluginSharesCore(installed.name, installed.folder);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PluginError(`plugin "${installed.name}" failed to load its component manifest ${file}: ${reason}`, { cause: error });
  }
  return { components: checkedManifest(installed.name, file, exports.components), architectures: [], huggingFaceClasses: [] };
}

/** Manifests are plain JavaScript at run time, so their shape is checked rather than trusted. */
function checkedManifest(pluginName: string, file: string, value: unknown): ComponentManifest {
  const problem = manifestProblem(value);
  if (problem === undefined) return value as ComponentManifest;
  throw new PluginError(
    `plugin "${pluginName}": its component manifest ${file} must export "components", an object that lists ` +
      `by kind (${CONTRACT_KINDS.join(', ')}) each component's name, plugin, description and optionsSchema; ${problem}`,
  );
}

function manifestProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `it exports ${shapeOf(value)}`;
  for (const [kind, components] of Object.entries(value)) {
    if (!(CONTRACT_KINDS as readonly string[]).includes(kind)) return `"${kind}" is not a kind`;
    if (!Array.isArray(components)) return `${kind} is ${shapeOf(components)}, not an array`;
    const bad = components.findIndex((component) => !isDescription(component));
    if (bad >= 0) return `${kind}[${bad}] needs a non-empty "name" and "plugin", a string "description" if any, and a zod "optionsSchema" if any`;
  }
  return undefined;
}

function isDescription(value: unknown): value is ComponentDescription {
  if (typeof value !== 'object' || value === null) return false;
  const { name, plugin, description, optionsSchema } = value as Record<string, unknown>;
  const schema = optionsSchema as { safeParse?: unknown } | null | undefined;
  return (
    typeof name === 'string' &&
    name !== '' &&
    typeof plugin === 'string' &&
    plugin !== '' &&
    (description === undefined || typeof description === 'string') &&
    (schema === undefined || (typeof schema === 'object' && schema !== null && typeof schema.safeParse === 'function'))
  );
}

function shapeOf(value: unknown): string {
  if (value === undefined) return 'no "components"';
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : `a ${typeof value}`;
}
