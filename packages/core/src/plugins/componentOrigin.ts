import type { ContractKind, NamedFactory } from '../contracts/tokens.js';
import { PluginError } from '../errors.js';
import { excerpt } from '../engine/excerpt.js';

/** Which factory built a component, for messages that must name the plugin at fault. */
interface ComponentOrigin {
  kind: ContractKind;
  name: string;
  plugin: string;
}

const origins = new WeakMap<object, ComponentOrigin>();

/** Remembers that `factory` (of contract `kind`) built `component`. */
export function recordComponentOrigin(kind: ContractKind, factory: NamedFactory<unknown>, component: object): void {
  origins.set(component, { kind, name: factory.name, plugin: factory.plugin });
}

/**
 * `compressor "aquila" from @fedtune/plugin-aquila`, or the component's own name when it was not
 * built from a registered factory (tests hand the engine components directly).
 */
export function describeComponent(kind: ContractKind, component: object): string {
  const origin = origins.get(component);
  if (origin !== undefined) return `${origin.kind} "${origin.name}" from ${origin.plugin}`;
  const { name } = component as { name?: unknown };
  return typeof name === 'string' ? `${kind} "${name}"` : `the ${kind}`;
}

/** The package that registered `component`, when known. */
function pluginOf(component: object): string | undefined {
  return origins.get(component)?.plugin;
}

/** The first line of what a plugin threw, at most 300 characters: a plugin's error is not trusted to be short. */
export function thrownSummary(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return excerpt(text.split('\n', 1)[0] ?? '', 300);
}

/**
 * The error that stops a run when a component threw where the contract gives it no way to fail
 * (a decoder that throws something other than a `PayloadError`, an aggregator that throws): a bug in
 * the plugin, named with what it was doing, so the report goes to the right authors.
 */
export function pluginFailure(kind: ContractKind, component: object, doing: string, error: unknown): PluginError {
  return new PluginError(`${describeComponent(kind, component)} failed while ${doing}: ${thrownSummary(error)}. ${bugReport(kind, component)}`, {
    cause: error,
  });
}

/**
 * The error that stops a run when a component returned what its contract rules out (an aggregator's
 * model of the wrong length, holding NaN, or not a model at all): a bug in the plugin, as for
 * {@link pluginFailure}.
 * @param problem what is wrong, naming the component as {@link describeComponent} does.
 */
export function pluginContractBreach(kind: ContractKind, component: object, problem: string, cause?: unknown): PluginError {
  return new PluginError(`${problem}. ${bugReport(kind, component)}`, cause === undefined ? undefined : { cause });
}

/** The sentence that sends a component's bug to the package that registered it. */
function bugReport(kind: ContractKind, component: object): string {
  const plugin = pluginOf(component);
  const whom = plugin === undefined ? 'its authors' : `the authors of ${plugin}`;
  return `This is a bug in the ${kind}, not in the run's data; report it to ${whom} with this message.`;
}
