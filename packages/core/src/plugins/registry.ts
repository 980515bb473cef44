import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { Adapter } from '../contracts/adapter.js';
import type { Aggregator } from '../contracts/aggregator.js';
import type { Backend } from '../contracts/backend.js';
import type { Channel } from '../contracts/channel.js';
import type { Compressor } from '../contracts/compressor.js';
import type { Selector } from '../contracts/selector.js';
import { CONTRACT_TOKENS, type ContractKind, type NamedFactory } from '../contracts/tokens.js';
import { quotedExcerpt } from '../engine/excerpt.js';
import { PluginError } from '../errors.js';
import { componentNameClash } from './nameClash.js';

/** The component each contract kind's factories build. */
export interface ContractComponents {
  backend: Backend;
  adapter: Adapter;
  compressor: Compressor;
  selector: Selector;
  aggregator: Aggregator;
  channel: Channel;
}

/** The component type that factories registered for a contract kind build (`Compressor` for `compressor`). */
export type ComponentOf<Kind extends ContractKind> = ContractComponents[Kind];

/**
 * Binds a named factory under a contract token. Names are unique per contract across core and every
 * plugin, because an experiment file picks components by name alone: a clash fails here, at load
 * time, naming both packages, rather than letting one silently shadow the other.
 *
 * Register every factory of one token in the same container: tsyringe does not merge a child's
 * registrations with its parent's.
 */
export function registerNamed<Component>(
  container: DependencyContainer,
  token: InjectionToken<NamedFactory<Component>>,
  factory: NamedFactory<Component>,
): void {
  const kind = contractKindOf(token);
  assertNamedFactory(kind, factory);
  const clash = registeredFactories(container, token).find((existing) => existing.name === factory.name);
  if (clash !== undefined) {
    throw componentNameClash(kind, factory.name, clash.plugin, factory.plugin);
  }
  container.register(token, { useValue: factory });
}

/**
 * The factory registered for `kind` under `name`.
 * @throws PluginError listing the registered names when there is none.
 */
export function resolveNamed<Kind extends ContractKind>(
  container: DependencyContainer,
  kind: Kind,
  name: string,
): NamedFactory<ComponentOf<Kind>> {
  const factories = listNamed(container, kind);
  const found = factories.find((factory) => factory.name === name);
  if (found !== undefined) return found;
  const registered = factories.length > 0 ? factories.map((factory) => factory.name).join(', ') : '(none)';
  throw new PluginError(
    `unknown ${kind} ${quotedExcerpt(name)}; registered: ${registered}. ` +
      'If it comes from a plugin, list the package under "plugins" in the experiment file',
  );
}

/** Every factory registered for `kind`, sorted by name. */
export function listNamed<Kind extends ContractKind>(
  container: DependencyContainer,
  kind: Kind,
): NamedFactory<ComponentOf<Kind>>[] {
  const token = CONTRACT_TOKENS[kind] as InjectionToken<NamedFactory<ComponentOf<Kind>>>;
  return registeredFactories(container, token).sort((a, b) => a.name.localeCompare(b.name));
}

function registeredFactories<Component>(
  container: DependencyContainer,
  token: InjectionToken<NamedFactory<Component>>,
): NamedFactory<Component>[] {
  return container.isRegistered(token, true) ? container.resolveAll(token) : [];
}

/** The contract kind a token belongs to, for messages; tokens outside core's contracts use their description. */
function contractKindOf(token: InjectionToken<unknown>): string {
  const entry = Object.entries(CONTRACT_TOKENS).find(([, contractToken]) => contractToken === token);
  return entry?.[0] ?? String(token);
}

/** Plugins are plain JavaScript at run time, so a factory's shape is checked rather than trusted. */
function assertNamedFactory(kind: string, factory: unknown): void {
  const candidate = factory as Partial<Record<keyof NamedFactory<unknown>, unknown>> | null;
  const wellFormed =
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    candidate.name.length > 0 &&
    typeof candidate.plugin === 'string' &&
    candidate.plugin.length > 0 &&
    typeof candidate.create === 'function';
  if (!wellFormed) {
    const from = typeof candidate?.plugin === 'string' ? candidate.plugin : 'a plugin';
    throw new PluginError(
      `a ${kind} factory from ${from} is malformed: it needs a non-empty "name", ` +
        'a "plugin" (its package name) and a create(options, context) function',
    );
  }
}
