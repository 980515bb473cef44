import { assertPluginDescriptor } from '@fedtune/core/testing';
import { it } from 'vitest';
import { components } from '../src/components.js';
import plugin, { RmLoraStreams } from '../src/index.js';

it('matches package.json, registers beside core, draws only from its reserved streams and lists what it registers in its component manifest', () => {
  assertPluginDescriptor(plugin, { manifest: new URL('../package.json', import.meta.url), streams: RmLoraStreams, components });
});
