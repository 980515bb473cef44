import { readFileSync } from 'node:fs';
import type { DependencyContainer } from 'tsyringe';
import { createFedtuneContainer } from '../builtins/corePlugin.js';
import type { ComponentManifest } from '../contracts/componentManifest.js';
import { CONTRACT_TOKENS, type ContractKind, type NamedFactory } from '../contracts/tokens.js';
import type { FedtunePlugin } from '../contracts/plugin.js';
import { isFedtunePlugin } from '../plugins/pluginExports.js';
import { formatStreamRange, listRandomStreamReservations } from '../plugins/randomStreams.js';
import { listNamed } from '../plugins/registry.js';

/** What {@link assertPluginDescriptor} checks a descriptor against. */
export interface PluginDescriptorExpectations {
  /** The plugin's package.json, e.g. `new URL('../package.json', import.meta.url)` from a test. */
  manifest: URL | string;
  /**
   * Every random stream id the plugin draws from (its `…Streams` constants). Each must lie in a
   * range the plugin reserves with `reserveRandomStreams` when it registers.
   */
  streams?: Readonly<Record<string, number>>;
  /**
   * The `components` export of the plugin's component manifest, the module its package.json names
   * under `"fedtune": { "components": … }` for `fedtune list`. It must list exactly the components
   * `register` adds, each with its factory's name, plugin, description and very options schema.
   */
  components?: ComponentManifest;
}

/** The parts of package.json the check reads. */
interface PackageManifest {
  name?: unknown;
  version?: unknown;
  fedtune?: { components?: unknown };
}

/**
 * The descriptor check every plugin package runs in one small test: the descriptor's name and
 * version are its package.json's (so `changeset version` cannot leave them behind), it registers
 * at least one component beside core's without a clash, every component it registers carries its
 * package name, it can register again into another fresh container, and every stream id it draws
 * from lies in a range it reserved; and, given its component manifest, that the manifest lists what
 * it registers.
 * @throws Error listing every problem found.
 */
export function assertPluginDescriptor(plugin: unknown, expectations: PluginDescriptorExpectations): void {
  if (!isFedtunePlugin(plugin)) {
    throw new Error('not a fedtune plugin descriptor: export an object with name, version and register(container)');
  }
  const manifest = JSON.parse(readFileSync(expectations.manifest, 'utf8')) as PackageManifest;
  const problems = [
    ...manifestProblems(plugin, manifest),
    ...registrationProblems(plugin, expectations.streams ?? {}),
    ...(expectations.components === undefined ? [] : componentManifestProblems(plugin, manifest, expectations.components)),
  ];
  if (problems.length > 0) throw new Error(`plugin ${plugin.name}:\n- ${problems.join('\n- ')}`);
}

function manifestProblems(plugin: { name: string; version: string }, manifest: PackageManifest): string[] {
  const problems: string[] = [];
  if (plugin.name !== manifest.name) {
    problems.push(`its name is "${plugin.name}" but package.json says "${String(manifest.name)}"`);
  }
  if (plugin.version !== manifest.version) {
    problems.push(
      `its version is "${plugin.version}" but package.json says "${String(manifest.version)}"; ` +
        "read it from package.json (import manifest from '../package.json' with { type: 'json' })",
    );
  }
  return problems;
}

function registrationProblems(plugin: FedtunePlugin, streams: Readonly<Record<string, number>>): string[] {
  const { name } = plugin;
  const core = createFedtuneContainer();
  const container = createFedtuneContainer();
  try {
    plugin.register(container);
    // register() may run once per run or worker, each time with a fresh container.
    plugin.register(createFedtuneContainer());
  } catch (error) {
    return [`register(container) fails on a fresh container: ${error instanceof Error ? error.message : String(error)}`];
  }
  const added = addedComponents(core, container);
  const problems: string[] = [];
  if (added.length === 0) problems.push('register(container) registers no component');
  for (const { kind, factory } of added.filter(({ factory }) => factory.plugin !== name)) {
    problems.push(`its ${kind} "${factory.name}" names plugin "${factory.plugin}" instead of "${name}"`);
  }
  const reserved = listRandomStreamReservations(container).filter((reservation) => reservation.plugin === name);
  for (const [stream, id] of Object.entries(streams)) {
    if (!reserved.some((range) => id >= range.first && id < range.first + range.count)) {
      problems.push(
        `it draws from random stream ${stream} = ${id}, outside the ranges it reserves ` +
          `(${reserved.map(formatStreamRange).join(', ') || 'none'}); reserve it with reserveRandomStreams in register()`,
      );
    }
  }
  return problems;
}

function componentManifestProblems(plugin: FedtunePlugin, manifest: PackageManifest, components: ComponentManifest): string[] {
  const problems: string[] = [];
  if (typeof manifest.fedtune?.components !== 'string') {
    problems.push('package.json names no component manifest: add "fedtune": { "components": "./dist/components.js" }');
  }
  const container = createFedtuneContainer();
  try {
    plugin.register(container);
  } catch {
    // registrationProblems reports the failure.
    return problems;
  }
  const added = addedComponents(createFedtuneContainer(), container);
  for (const kind of Object.keys(CONTRACT_TOKENS) as ContractKind[]) {
    const registered = new Map(added.filter((entry) => entry.kind === kind).map(({ factory }) => [factory.name, factory]));
    const listed = components[kind] ?? [];
    for (const name of registered.keys()) {
      if (!listed.some((entry) => entry.name === name)) problems.push(`its component manifest leaves out the ${kind} "${name}" it registers`);
    }
    for (const entry of listed) {
      const factory: NamedFactory<unknown> | undefined = registered.get(entry.name);
      if (factory === undefined) {
        problems.push(`its component manifest lists the ${kind} "${entry.name}", which register() does not add`);
      } else if (
        entry.plugin !== factory.plugin ||
        entry.description !== factory.description ||
        entry.optionsSchema !== factory.optionsSchema
      ) {
        problems.push(
          `its component manifest describes the ${kind} "${entry.name}" otherwise than its factory does; ` +
            'let the factory spread the description ({ ...description, create }) so both hold the same objects',
        );
      }
    }
  }
  return problems;
}

/** The factories `container` has beyond those of `core` (a container with core's components alone). */
function addedComponents(core: DependencyContainer, container: DependencyContainer) {
  return (Object.keys(CONTRACT_TOKENS) as ContractKind[]).flatMap((kind) => {
    const coreNames = new Set(listNamed(core, kind).map((factory) => factory.name));
    return listNamed(container, kind)
      .filter((factory) => !coreNames.has(factory.name))
      .map((factory) => ({ kind, factory }));
  });
}
