import type { InjectionToken } from 'tsyringe';
import type { z } from 'zod';
import type { Adapter } from './adapter.js';
import type { Aggregator } from './aggregator.js';
import type { Backend } from './backend.js';
import type { Channel } from './channel.js';
import type { Compressor } from './compressor.js';
import type { Selector } from './selector.js';

/**
 * A factory registered under a name: it receives that component's options from the experiment file
 * (already parsed as JSON) and the run's context, and returns a fresh instance for one run.
 */
export interface NamedFactory<T> {
  /** The name an experiment file uses, e.g. `qsgd`. */
  readonly name: string;
  /** Package that registered it, for error messages. */
  readonly plugin: string;
  /** One line on what it does, for `fedtune list`. */
  readonly description?: string;
  /**
   * The zod schema its `options` are validated with (the one `create` passes to `parseOptions`), so
   * `fedtune list` can show every option's name, type, default and `.describe()` text. Absent: the
   * component's options are not listed.
   */
  readonly optionsSchema?: z.ZodType;
  create(options: Readonly<Record<string, unknown>>, context: FactoryContext): T;
}

/** What every factory may use while building a component. */
export interface FactoryContext {
  seed: number;
  /** Number of clients in the federation. */
  numClients: number;
}

/** Injection tokens for each contract's named factories (multi-registrations). */
export const BACKEND: InjectionToken<NamedFactory<Backend>> = Symbol.for('fedtune.Backend');
export const ADAPTER: InjectionToken<NamedFactory<Adapter>> = Symbol.for('fedtune.Adapter');
export const COMPRESSOR: InjectionToken<NamedFactory<Compressor>> = Symbol.for('fedtune.Compressor');
export const SELECTOR: InjectionToken<NamedFactory<Selector>> = Symbol.for('fedtune.Selector');
export const AGGREGATOR: InjectionToken<NamedFactory<Aggregator>> = Symbol.for('fedtune.Aggregator');
export const CHANNEL: InjectionToken<NamedFactory<Channel>> = Symbol.for('fedtune.Channel');

/** Every contract token with the experiment-file field that selects it. */
export const CONTRACT_TOKENS = {
  backend: BACKEND,
  adapter: ADAPTER,
  compressor: COMPRESSOR,
  selector: SELECTOR,
  aggregator: AGGREGATOR,
  channel: CHANNEL,
} as const;

export type ContractKind = keyof typeof CONTRACT_TOKENS;
