import { assertPluginDescriptor } from '@fedtune/core/testing';
import { it } from 'vitest';
import plugin from '../src/index.js';

it('matches package.json and registers beside core without a clash', () => {
  assertPluginDescriptor(plugin, { manifest: new URL('../package.json', import.meta.url) });
});
