import { assertPluginDescriptor } from '@fedtune/core/testing';
import { it } from 'vitest';
import { components } from '../src/components.js';
import plugin from '../src/index.js';

it('matches package.json, registers beside core without a clash and lists what it registers in its component manifest', () => {
  assertPluginDescriptor(plugin, { manifest: new URL('../package.json', import.meta.url), components });
});
