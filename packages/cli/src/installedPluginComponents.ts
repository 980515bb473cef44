import type { PluginComponents } from './pluginComponents.js';
import type { InstalledPlugin } from './pluginDiscovery.js';

/**
 * What an installed plugin adds: from its component manifest when it ships one (fast: neither the
 * plugin's code nor core's engine loads), else by importing and registering it as a run would.
 */
export async function installedPluginComponents(installed: InstalledPlugin): Promise<PluginComponents> {
  const { components } = installed;
  if (components !== undefined) return (await import('./componentManifestModule.js')).manifestComponents({ ...installed, components });
  return (await import('./registeredComponents.js')).registeredComponents(installed);
}
