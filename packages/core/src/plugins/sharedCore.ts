import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PluginError } from '../errors.js';
import { locatePackageFolder } from './locatePackage.js';

/** The manifest of the `@fedtune/core` running this code (this file sits in its src/plugins/ or dist/plugins/). */
const RUNNING_CORE_MANIFEST = realpathSync(fileURLToPath(new URL('../../package.json', import.meta.url)));

/**
 * Refuses a plugin that would import its own copy of `@fedtune/core`. Registration through such a
 * copy still works (the tokens are `Symbol.for` keys), but its classes are not the running core's:
 * typically a plugin installed from a folder (`npm install ../my-plugin` links the folder), whose
 * own node_modules holds the core it was built against.
 *
 * Resolution starts from the plugin's real folder, as Node resolves the plugin's own imports; a
 * plugin from which no core resolves imports none, and passes.
 * @throws PluginError naming both copies and how to keep one.
 */
export function assertPluginSharesCore(pluginName: string, pluginFolder: string): void {
  const realFolder = realpathSync(pluginFolder);
  const pluginCore = locatePackageFolder('@fedtune/core', [realFolder]);
  if (pluginCore === undefined) return;
  const pluginCoreManifest = realpathSync(join(pluginCore, 'package.json'));
  if (pluginCoreManifest === RUNNING_CORE_MANIFEST) return;
  throw new PluginError(
    `plugin "${pluginName}" (${realFolder}) would load its own copy of @fedtune/core ` +
      `(${pluginCoreManifest}), not the one running fedtune (${RUNNING_CORE_MANIFEST}); two copies do ` +
      'not share error classes or state. Keep one: install the plugin with ' +
      '`npm install --install-links <its folder>` (npm then copies it and resolves its peer @fedtune/core ' +
      `from this project), or remove the plugin's copy (${pluginCore}); and keep @fedtune/core a ` +
      'peerDependency of the plugin, never a dependency',
  );
}
