import { createFedtuneContainer, resolveNamed } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import plugin, { AquilaAggregator, AquilaSelector, GridInnovationCompressor, LaqSelector, OfficialAquilaCompressor } from '../src/index.js';
import { factoryContext } from './helpers.js';

describe('plugin descriptor', () => {
  it('registers every component beside core’s, each built fresh from its options', () => {
    const container = createFedtuneContainer();
    plugin.register(container);
    const build = (kind: 'compressor' | 'selector' | 'aggregator', name: string, options = {}) =>
      resolveNamed(container, kind, name).create(options, factoryContext);
    expect((build('compressor', 'aquila') as GridInnovationCompressor).rule).toBe('bStar');
    expect((build('compressor', 'aquila', { bitWidth: 'relativeError' }) as GridInnovationCompressor).rule).toEqual({ maxRelativeError: 0.5 });
    expect(build('compressor', 'aquila', { protocol: 'official' })).toBeInstanceOf(OfficialAquilaCompressor);
    expect((build('compressor', 'laq', { bits: 4 }) as GridInnovationCompressor).rule).toBe(4);
    expect(build('compressor', 'adaquantfl').name).toBe('adaquantfl');
    expect(build('selector', 'aquila', { fraction: 0.1 })).toBeInstanceOf(AquilaSelector);
    expect(build('selector', 'laq')).toBeInstanceOf(LaqSelector);
    expect((build('aggregator', 'aquila', { mode: 'uploadersOnly' }) as AquilaAggregator).mode).toBe('uploadersOnly');
    expect((build('aggregator', 'aquila', { maxReuseAge: 3 }) as AquilaAggregator).maxReuseAge).toBe(3);
    expect(build('compressor', 'aquila')).not.toBe(build('compressor', 'aquila'));
    expect(resolveNamed(container, 'compressor', 'aquila').plugin).toBe('@fedtune/plugin-aquila');
  });
});
