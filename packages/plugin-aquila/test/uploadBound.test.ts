import { createFedtuneContainer, resolveNamed, uploadPayloadBound } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';
import { codecContext, factoryContext, freshMemory } from './helpers.js';

const container = createFedtuneContainer();
plugin.register(container);

// The network protocol bounds frames without asking compressors (core's uploadPayloadBound): every
// compressor of this plugin, at its widest setting, stays within it.
describe('aquila, laq and adaquantfl payloads within the protocol upload bound', () => {
  it.each([
    ['aquila', {}],
    ['aquila', { protocol: 'official' }],
    ['aquila', { bitWidth: 'relativeError', maxRelativeError: 0.01 }],
    ['laq', { bits: 16 }],
    ['adaquantfl', { s0: 16, cap: 16 }],
    ['adaquantfl', { unit: 'levels', s0: 65535, cap: 65535 }],
  ])('holds every payload of %s %j', (name, options) => {
    for (const length of [1, 2, 9, 100, 1001]) {
      const compressor = resolveNamed(container, 'compressor', name).create(options, factoryContext);
      const update = Float32Array.from({ length }, (_, i) => Math.sin(i * 1.3) * 10 ** ((i % 9) - 4));
      const payload = compressor.encode(update, codecContext(freshMemory()));
      expect(payload.byteLength).toBeLessThanOrEqual(uploadPayloadBound(length));
    }
  });
});
