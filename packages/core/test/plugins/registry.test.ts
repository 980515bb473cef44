import { container as rootContainer } from 'tsyringe';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Aggregator } from '../../src/contracts/aggregator.js';
import type { Compressor } from '../../src/contracts/compressor.js';
import { AGGREGATOR, COMPRESSOR, type NamedFactory } from '../../src/contracts/tokens.js';
import { PluginError } from '../../src/errors.js';
import { listNamed, registerNamed, resolveNamed } from '../../src/plugins/registry.js';

function compressorFactory(name: string, plugin: string): NamedFactory<Compressor> {
  return {
    name,
    plugin,
    create: () => ({
      name,
      encode: (update) => new Uint8Array(update.buffer.slice(0)),
      decode: (payload) => new Float32Array(payload.buffer.slice(0)),
    }),
  };
}

describe('plugin registry', () => {
  it('resolves a registered factory by name and lists factories sorted by name', () => {
    const container = rootContainer.createChildContainer();
    registerNamed(container, COMPRESSOR, compressorFactory('qsgd', '@fedtune/core'));
    registerNamed(container, COMPRESSOR, compressorFactory('none', '@fedtune/core'));
    expect(resolveNamed(container, 'compressor', 'qsgd').name).toBe('qsgd');
    expect(listNamed(container, 'compressor').map((factory) => factory.name)).toEqual(['none', 'qsgd']);
    expect(listNamed(container, 'aggregator')).toEqual([]);
    expectTypeOf(resolveNamed<'aggregator'>).returns.toEqualTypeOf<NamedFactory<Aggregator>>();
  });

  it('refuses a second factory with a taken name, naming the contract, the name and both plugins', () => {
    const container = rootContainer.createChildContainer();
    registerNamed(container, COMPRESSOR, compressorFactory('qsgd', '@fedtune/core'));
    expect(() => registerNamed(container, COMPRESSOR, compressorFactory('qsgd', 'fedtune-plugin-x'))).toThrow(
      new PluginError('two compressors are named "qsgd": from @fedtune/core and fedtune-plugin-x; rename one'),
    );
    expect(listNamed(container, 'compressor')).toHaveLength(1);
  });

  it('allows one name under different contracts', () => {
    const container = rootContainer.createChildContainer();
    registerNamed(container, COMPRESSOR, compressorFactory('same', 'a'));
    const aggregator: NamedFactory<Aggregator> = {
      name: 'same',
      plugin: 'b',
      create: () => ({ name: 'same', aggregate: ({ global }) => global }),
    };
    registerNamed(container, AGGREGATOR, aggregator);
    expect(resolveNamed(container, 'aggregator', 'same').plugin).toBe('b');
  });

  it('keeps containers apart', () => {
    const first = rootContainer.createChildContainer();
    const second = rootContainer.createChildContainer();
    registerNamed(first, COMPRESSOR, compressorFactory('qsgd', 'a'));
    registerNamed(second, COMPRESSOR, compressorFactory('qsgd', 'b'));
    expect(resolveNamed(second, 'compressor', 'qsgd').plugin).toBe('b');
  });

  it('names the registered alternatives for an unknown name', () => {
    const container = rootContainer.createChildContainer();
    registerNamed(container, COMPRESSOR, compressorFactory('qsgd', '@fedtune/core'));
    registerNamed(container, COMPRESSOR, compressorFactory('none', '@fedtune/core'));
    expect(() => resolveNamed(container, 'compressor', 'foo')).toThrow(
      new PluginError(
        'unknown compressor "foo"; registered: none, qsgd. ' +
          'If it comes from a plugin, list the package under "plugins" in the experiment file',
      ),
    );
    expect(() => resolveNamed(container, 'selector', 'all')).toThrow(/unknown selector "all"; registered: \(none\)\./);
  });

  it('rejects a malformed factory from plain JavaScript', () => {
    const container = rootContainer.createChildContainer();
    const malformed = { name: 'x', plugin: 'fedtune-plugin-x' } as unknown as NamedFactory<Compressor>;
    expect(() => registerNamed(container, COMPRESSOR, malformed)).toThrow(
      /a compressor factory from fedtune-plugin-x is malformed: .*create\(options, context\)/,
    );
  });
});
