import { readFileSync } from 'node:fs';
import type { DependencyContainer } from 'tsyringe';
import { createFedtuneContainer } from '../builtins/corePlugin.js';
import { CONTRACT_TOKENS, type ContractKind } from '../contracts/tokens.js';
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
}

/**
 * The descriptor check every plugin package runs in one small test: the descriptor's name and
 * version are its package.json's (so `changeset version` cannot leave them behind), it registers
 * at least one component beside core's without a clash, every component it registers carries its
 * package name, it can register again into another fresh container, and every stream id it draws
 * from lies in a range it reserved.
 * @throws Error listing every problem found.
 */
export function assertPluginDescriptor(plugin: unknown, expectations: PluginDescriptorExpectations): void {
  if (!isFedtunePlugin(plugin)) {
    throw new Error('not a fedtune plugin descriptor: export an object with name, version and register(container)');
  }
  const problems = [
    ...manifestProblems(plugin, expectations.manifest),
    ...registrationProblems(plugin, expectations.streams ?? {}),
  ];
  if (problems.length > 0) throw new Error(`plugin ${plugin.name}:\n- ${problems.join('\n- ')}`);
}

function manifestProblems(plugin: { name: string; version: string }, manifestPath: URL | string): string[] {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name?: unknown; version?: unknown };
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

/** The factories `container` has beyond those of `core` (a container with core's components alone). */
function addedComponents(core: DependencyContainer, container: DependencyContainer) {
  return (Object.keys(CONTRACT_TOKENS) as ContractKind[]).flatMap((kind) => {
    const coreNames = new Set(listNamed(core, kind).map((factory) => factory.name));
    return listNamed(container, kind)
      .filter((factory) => !coreNames.has(factory.name))
      .map((factory) => ({ kind, factory }));
  });
}
