import type { DependencyContainer } from 'tsyringe';
import type { Adapter } from '../contracts/adapter.js';
import type { Aggregator } from '../contracts/aggregator.js';
import type { Backend } from '../contracts/backend.js';
import type { Channel } from '../contracts/channel.js';
import type { Compressor } from '../contracts/compressor.js';
import type { Selector } from '../contracts/selector.js';
import type { FactoryContext } from '../contracts/tokens.js';
import type { ComponentSpec } from '../experiment/schema.js';
import { resolveNamed } from '../plugins/registry.js';

/** The components of one run, built from the experiment file's names. */
export interface RunComponents {
  backend: Backend;
  adapter: Adapter;
  compressor: Compressor;
  selector: Selector;
  aggregator: Aggregator;
  channel: Channel;
}

/** Which component each contract uses. */
export interface ComponentChoice {
  backend: ComponentSpec;
  adapter: ComponentSpec;
  compressor: ComponentSpec;
  selector: ComponentSpec;
  aggregator: ComponentSpec;
  channel: ComponentSpec;
}

/** Builds fresh instances for one run; unknown names fail with the list of registered ones. */
export function buildComponents(
  container: DependencyContainer,
  choice: ComponentChoice,
  context: FactoryContext,
): RunComponents {
  const build = <Kind extends keyof ComponentChoice>(kind: Kind) => {
    const spec = choice[kind];
    return resolveNamed(container, kind, spec.name).create(spec.options, context);
  };
  return {
    backend: build('backend') as Backend,
    adapter: build('adapter') as Adapter,
    compressor: build('compressor') as Compressor,
    selector: build('selector') as Selector,
    aggregator: build('aggregator') as Aggregator,
    channel: build('channel') as Channel,
  };
}
