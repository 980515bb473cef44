import type { DependencyContainer } from 'tsyringe';
import type { ContractKind, FactoryContext } from '../contracts/tokens.js';
import type { ComponentSpec } from '../experiment/schema.js';
import { recordComponentOrigin } from '../plugins/componentOrigin.js';
import { type ContractComponents, resolveNamed } from '../plugins/registry.js';

/** The components of one run, built from the experiment file's names. */
export type RunComponents = ContractComponents;

/** Which component each contract uses. */
export type ComponentChoice = Record<ContractKind, ComponentSpec>;

/** Builds fresh instances for one run; unknown names fail with the list of registered ones. */
export function buildComponents(
  container: DependencyContainer,
  choice: ComponentChoice,
  context: FactoryContext,
): RunComponents {
  const build = <Kind extends keyof ComponentChoice>(kind: Kind): ContractComponents[Kind] => {
    const spec = choice[kind];
    const factory = resolveNamed(container, kind, spec.name);
    const component = factory.create(spec.options, context);
    recordComponentOrigin(kind, factory, component);
    return component;
  };
  return {
    backend: build('backend'),
    adapter: build('adapter'),
    compressor: build('compressor'),
    selector: build('selector'),
    aggregator: build('aggregator'),
    channel: build('channel'),
  };
}
