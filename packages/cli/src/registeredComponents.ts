import {
  architectureNames,
  CONTRACT_TOKENS,
  createFedtuneContainer,
  listNamed,
  loadPlugins,
  supportedHfClassNames,
  type ComponentManifest,
  type ContractKind,
} from '@fedtune/core';
import type { PluginComponents } from './pluginComponents.js';
import type { InstalledPlugin } from './pluginDiscovery.js';

/**
 * What a plugin provides, found the way a run finds it: importing its entry (and with it core's
 * engine) and registering it beside core. `fedtune list` reads a plugin this way when it ships no
 * component manifest. Architectures register themselves when their module loads, so the ones that
 * appear during the import are the plugin's.
 * @throws PluginError as `loadPlugins` does.
 */
export async function registeredComponents(installed: InstalledPlugin): Promise<PluginComponents> {
  const container = createFedtuneContainer();
  const kinds = Object.keys(CONTRACT_TOKENS) as ContractKind[];
  const core = new Set(kinds.flatMap((kind) => listNamed(container, kind)));
  const architecturesBefore = new Set(architectureNames());
  const classesBefore = new Set(supportedHfClassNames());
  await loadPlugins(container, [installed.name], { resolveFrom: installed.resolveFrom });
  const components: ComponentManifest = Object.fromEntries(
    kinds.map((kind) => [kind, listNamed(container, kind).filter((factory) => !core.has(factory))]),
  );
  return {
    components,
    architectures: architectureNames().filter((name) => !architecturesBefore.has(name)),
    huggingFaceClasses: supportedHfClassNames().filter((name) => !classesBefore.has(name)),
  };
}
