import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGGREGATOR } from '../../src/contracts/tokens.js';
import { corePlugin, createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { listRandomStreamReservations } from '../../src/plugins/randomStreams.js';
import { listNamed, registerNamed } from '../../src/plugins/registry.js';
import { CORE_RANDOM_STREAMS, RandomStreams } from '../../src/random/counterRandom.js';

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

  it('reserves the random stream ids 0–999, which hold every stream core draws from', () => {
    expect(listRandomStreamReservations(createFedtuneContainer())).toEqual([
      { plugin: '@fedtune/core', first: 0, count: 1000 },
    ]);
    for (const stream of Object.values(RandomStreams)) {
      expect(stream).toBeGreaterThanOrEqual(CORE_RANDOM_STREAMS.first);
      expect(stream).toBeLessThan(CORE_RANDOM_STREAMS.first + CORE_RANDOM_STREAMS.count);
    }
    // Two consumers on one id would draw the same numbers.
    expect(new Set(Object.values(RandomStreams)).size).toBe(Object.values(RandomStreams).length);
  });

  it('describes core as a plugin with the name and version of its package.json', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      name: string;
      version: string;
    };
    expect({ name: corePlugin.name, version: corePlugin.version }).toEqual({
      name: manifest.name,
      version: manifest.version,
    });
  });
});
