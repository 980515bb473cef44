import { assertPluginDescriptor } from '@fedtune/core/testing';
import { it } from 'vitest';
import plugin, { RmLoraStreams } from '../src/index.js';

it('matches package.json, registers beside core and draws only from its reserved streams', () => {
  assertPluginDescriptor(plugin, { manifest: new URL('../package.json', import.meta.url), streams: RmLoraStreams });
});
