import type { ComponentDescription, ComponentManifest } from '@fedtune/core/components';
import { componentNameClash } from '@fedtune/core/light';

/** A contract kind, as component manifests key them. */
export type ContractKind = keyof ComponentManifest;

/** Every contract kind, in the order `fedtune list` shows them. */
export const CONTRACT_KINDS: readonly ContractKind[] = ['backend', 'adapter', 'compressor', 'selector', 'aggregator', 'channel'];

/**
 * The components of core and of the plugins listed so far, by kind and name. Names are unique per
 * kind, as registering the same packages in one container would require.
 */
export class ContractComponentTable {
  private readonly byKind = new Map<ContractKind, Map<string, ComponentDescription>>(CONTRACT_KINDS.map((kind) => [kind, new Map()]));

  /**
   * Adds every component of a manifest, or none of them.
   * @throws PluginError naming both packages when a name is taken, as registration would.
   */
  addAll(manifest: ComponentManifest): void {
    const added = CONTRACT_KINDS.map((kind) => {
      const names = new Map(this.byKind.get(kind));
      for (const component of manifest[kind] ?? []) {
        const clash = names.get(component.name);
        if (clash !== undefined) throw componentNameClash(kind, component.name, clash.plugin, component.plugin);
        names.set(component.name, component);
      }
      return [kind, names] as const;
    });
    for (const [kind, names] of added) this.byKind.set(kind, names);
  }

  /** The components of `kind`, sorted by name. */
  componentsOf(kind: ContractKind): ComponentDescription[] {
    return [...(this.byKind.get(kind)?.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  }
}
