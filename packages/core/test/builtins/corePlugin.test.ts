import { describe, expect, it } from 'vitest';
import { AGGREGATOR } from '../../src/contracts/tokens.js';
import { corePlugin, createFedtuneContainer } from '../../src/plugins/corePlugin.js';
import { listNamed, registerNamed } from '../../src/plugins/registry.js';

describe('createFedtuneContainer', () => {
  it("registers core's components under their names", () => {
    const container = createFedtuneContainer();
    const names = (kind: Parameters<typeof listNamed>[1]) => listNamed(container, kind).map((factory) => factory.name);
    expect(names('compressor')).toEqual(expect.arrayContaining(['none', 'qsgd']));
    expect(names('selector')).toEqual(expect.arrayContaining(['all', 'uniform']));
    expect(names('aggregator')).toContain('fedavg');
    expect(names('backend')).toContain('reference');
    expect(names('adapter')).toContain('lora');
    expect(names('channel')).toContain('reliable');
    expect(listNamed(container, 'compressor').every((factory) => factory.plugin === corePlugin.name)).toBe(true);
  });

  it('gives each call its own container, so plugins of one run never leak into the next', () => {
    const first = createFedtuneContainer();
    registerNamed(first, AGGREGATOR, {
      name: 'extra',
      plugin: 'fedtune-plugin-extra',
      create: () => ({ name: 'extra', aggregate: ({ global }) => global }),
    });
    const second = createFedtuneContainer();
    expect(listNamed(second, 'aggregator').map((factory) => factory.name)).not.toContain('extra');
  });

  it('refuses a plugin component that reuses a core name, naming both packages', () => {
    const container = createFedtuneContainer();
    expect(() =>
      registerNamed(container, AGGREGATOR, {
        name: 'fedavg',
        plugin: 'fedtune-plugin-x',
        create: () => ({ name: 'fedavg', aggregate: ({ global }) => global }),
      }),
    ).toThrow('two aggregators are named "fedavg": from @fedtune/core and fedtune-plugin-x; rename one');
  });

  it('describes core as a plugin with its package name and version', () => {
    expect(corePlugin).toMatchObject({ name: '@fedtune/core', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });
});
