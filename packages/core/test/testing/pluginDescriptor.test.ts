import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FedtunePlugin } from '../../src/contracts/plugin.js';
import { AGGREGATOR } from '../../src/contracts/tokens.js';
import { reserveRandomStreams } from '../../src/plugins/randomStreams.js';
import { registerNamed } from '../../src/plugins/registry.js';
import { assertPluginDescriptor } from '../../src/testing/pluginDescriptor.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-descriptor-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const manifest = join(folder, 'package.json');
writeFileSync(manifest, JSON.stringify({ name: 'fedtune-plugin-median', version: '0.3.0' }));

/** A descriptor registering the aggregator `componentName`, with `overrides` applied. */
function descriptor(componentName = 'median', overrides: Partial<FedtunePlugin> = {}): FedtunePlugin {
  return {
    name: 'fedtune-plugin-median',
    version: '0.3.0',
    register(container: DependencyContainer) {
      reserveRandomStreams(container, { plugin: 'fedtune-plugin-median', first: 4000, count: 2 });
      registerNamed(container, AGGREGATOR, {
        name: componentName,
        plugin: 'fedtune-plugin-median',
        create: () => ({ name: componentName, aggregate: ({ global }) => global }),
      });
    },
    ...overrides,
  };
}

describe('assertPluginDescriptor', () => {
  it('passes a descriptor that matches its package.json, registers cleanly and draws from its own streams', () => {
    expect(() =>
      assertPluginDescriptor(descriptor(), { manifest, streams: { tieBreak: 4000, restart: 4001 } }),
    ).not.toThrow();
  });

  it('names a version left behind by `changeset version`, and where to read it from', () => {
    expect(() => assertPluginDescriptor(descriptor('median', { version: '0.2.0' }), { manifest })).toThrow(
      'plugin fedtune-plugin-median:\n- its version is "0.2.0" but package.json says "0.3.0"; read it from package.json',
    );
  });

  it('lists every problem: a wrong name, a clash with core, a stream outside the reservation', () => {
    const renamed = descriptor('median', { name: 'fedtune-plugin-mean' });
    expect(() => assertPluginDescriptor(renamed, { manifest })).toThrow(
      /its name is "fedtune-plugin-mean" but package\.json says "fedtune-plugin-median"\n- its aggregator "median" names plugin "fedtune-plugin-median" instead of "fedtune-plugin-mean"/,
    );
    expect(() => assertPluginDescriptor(descriptor('fedavg'), { manifest })).toThrow(
      'register(container) fails on a fresh container: two aggregators are named "fedavg": from @fedtune/core and fedtune-plugin-median',
    );
    expect(() => assertPluginDescriptor(descriptor(), { manifest, streams: { shuffle: 4002 } })).toThrow(
      'it draws from random stream shuffle = 4002, outside the ranges it reserves (4000–4001); reserve it with reserveRandomStreams in register()',
    );
  });

  it('refuses a plugin that registers nothing, or keeps state between registrations', () => {
    expect(() => assertPluginDescriptor(descriptor('median', { register: () => {} }), { manifest })).toThrow(
      '- register(container) registers no component',
    );
    let registered = false;
    const once = descriptor('median', {
      register(container) {
        if (registered) throw new Error('already registered');
        registered = true;
        descriptor().register(container);
      },
    });
    expect(() => assertPluginDescriptor(once, { manifest })).toThrow('fails on a fresh container: already registered');
  });

  it('refuses what is not a descriptor', () => {
    expect(() => assertPluginDescriptor({ name: 'x' }, { manifest })).toThrow(/not a fedtune plugin descriptor/);
  });
});

describe('assertPluginDescriptor with a component manifest', () => {
  const withManifest = join(folder, 'with-manifest.json');
  writeFileSync(withManifest, JSON.stringify({ name: 'fedtune-plugin-median', version: '0.3.0', fedtune: { components: './dist/components.js' } }));
  const medianDescription = {
    name: 'median',
    plugin: 'fedtune-plugin-median',
    description: 'the coordinate-wise median',
    optionsSchema: z.strictObject({ ties: z.enum(['low', 'high']).default('low') }),
  };
  const plugin: FedtunePlugin = {
    name: 'fedtune-plugin-median',
    version: '0.3.0',
    register(container: DependencyContainer) {
      registerNamed(container, AGGREGATOR, { ...medianDescription, create: () => ({ name: 'median', aggregate: ({ global }) => global }) });
    },
  };

  it('passes a manifest that lists what register() adds, with the same schema object', () => {
    expect(() => assertPluginDescriptor(plugin, { manifest: withManifest, components: { aggregator: [medianDescription] } })).not.toThrow();
  });

  it('names a component the manifest leaves out or adds, a copied schema, and a package.json that names no manifest', () => {
    expect(() => assertPluginDescriptor(plugin, { manifest: withManifest, components: { selector: [{ ...medianDescription }] } })).toThrow(
      'plugin fedtune-plugin-median:\n- its component manifest lists the selector "median", which register() does not add\n' +
        '- its component manifest leaves out the aggregator "median" it registers',
    );
    const copied = { ...medianDescription, optionsSchema: z.strictObject({ ties: z.enum(['low', 'high']).default('low') }) };
    expect(() => assertPluginDescriptor(plugin, { manifest: withManifest, components: { aggregator: [copied] } })).toThrow(
      'its component manifest describes the aggregator "median" otherwise than its factory does; let the factory spread the description',
    );
    expect(() => assertPluginDescriptor(plugin, { manifest, components: { aggregator: [medianDescription] } })).toThrow(
      'package.json names no component manifest: add "fedtune": { "components": "./dist/components.js" }',
    );
  });
});
