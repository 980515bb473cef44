import { describe, expect, it } from 'vitest';
import type { Aggregator } from '../../src/contracts/aggregator.js';
import type { Selector } from '../../src/contracts/selector.js';
import { assertComponentsCompatible, componentAssumptionWarnings } from '../../src/engine/componentCompatibility.js';
import { buildComponents, type RunComponents } from '../../src/engine/components.js';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { ConfigError } from '../../src/errors.js';

/** Core's defaults: reference backend, lora, none, all (or the selector given), fedavg, reliable. */
function coreComponents(selector: { name: string; options: Record<string, unknown> } = { name: 'all', options: {} }): RunComponents {
  const spec = (name: string) => ({ name, options: {} });
  return buildComponents(
    createFedtuneContainer(),
    {
      backend: spec('reference'),
      adapter: spec('lora'),
      compressor: spec('none'),
      selector,
      aggregator: spec('fedavg'),
      channel: spec('reliable'),
    },
    { seed: 1, numClients: 4 },
  );
}

const plain = { taskSlots: false, slices: false };

describe('assertComponentsCompatible', () => {
  it('accepts core\'s components in every run shape: fedavg handles task slots and slices', () => {
    for (const taskSlots of [false, true]) {
      for (const slices of [false, true]) expect(() => assertComponentsCompatible(coreComponents(), { taskSlots, slices })).not.toThrow();
    }
  });

  it('refuses a pairing a component requires, naming the component, the reason and the fix', () => {
    const picky: Selector = {
      ...coreComponents().selector,
      name: 'picky',
      requires: { partners: { compressor: ['grid-a', 'grid-b'] }, reason: 'it weighs their quantisation error' },
    };
    const run = { ...coreComponents(), selector: picky };
    expect(() => assertComponentsCompatible(run, plain)).toThrow(ConfigError);
    expect(() => assertComponentsCompatible(run, plain)).toThrow(
      'selector picky works only with compressor "grid-a" or "grid-b" (it weighs their quantisation error), not with compressor none; set compressor to "grid-a" or "grid-b", or choose another selector.',
    );
    const named = { ...run, compressor: { ...run.compressor, name: 'grid-b' } };
    expect(() => assertComponentsCompatible(named, plain)).not.toThrow();
  });

  it('refuses task slots and slices an aggregator does not declare', () => {
    const perClient: Aggregator = { name: 'per-client', aggregate: ({ global }) => global };
    const run = { ...coreComponents(), aggregator: perClient };
    expect(() => assertComponentsCompatible(run, plain)).not.toThrow();
    expect(() => assertComponentsCompatible(run, { taskSlots: true, slices: false })).toThrow(
      /aggregator per-client keeps one adapter slot per client.*set training\.taskSlots to "shared"/,
    );
    expect(() => assertComponentsCompatible(run, { taskSlots: false, slices: true })).toThrow(
      /aggregator per-client does not average updates over the coordinates each client trains.*remove adapter\.clientRanks/,
    );
  });
});

describe('componentAssumptionWarnings', () => {
  /** Core's components with the `uniform` selector at `fraction`, or `all` without one. */
  const withSelector = (fraction?: number) =>
    coreComponents(fraction === undefined ? undefined : { name: 'uniform', options: { fraction } });
  const clustering: Aggregator = {
    name: 'clusters',
    aggregate: ({ global }) => global,
    assumes: { minParticipation: { fraction: 0.5, reason: 'k-means needs most tasks in every round' } },
  };

  it('warns when the selector samples fewer clients than a component was shown to work with, naming both and why', () => {
    const run = { ...withSelector(0.15), aggregator: clustering };
    expect(componentAssumptionWarnings(run)).toEqual([
      'aggregator clusters was shown to work with at least 50% of clients taking part each round, but selector uniform samples 15%: ' +
        'k-means needs most tasks in every round. The run goes on; its results may not show what the method promises.',
    ]);
  });

  it('says nothing at or above the threshold, for components that assume nothing, or for a selector without a stated share', () => {
    expect(componentAssumptionWarnings({ ...withSelector(0.5), aggregator: clustering })).toEqual([]);
    expect(componentAssumptionWarnings({ ...withSelector(), aggregator: clustering })).toEqual([]);
    expect(componentAssumptionWarnings(withSelector(0.1))).toEqual([]);
    const unstated: Selector = { name: 'adaptive', sample: ({ clientIds }) => clientIds.slice(0, 1), shouldUpload: () => true };
    expect(componentAssumptionWarnings({ ...coreComponents(), selector: unstated, aggregator: clustering })).toEqual([]);
  });

  it('reads the participation core\'s selectors state: all clients, or the uniform fraction', () => {
    expect(withSelector().selector.participation).toBe(1);
    expect(withSelector(0.15).selector.participation).toBe(0.15);
  });
});
