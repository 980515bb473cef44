import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fedtuneProcess } from './fedtuneProcess.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-plugin-loading-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('a plugin whose import never settles', () => {
  it('is named, with exit status 2, instead of Node leaving without a word, and leaves no results folder', async () => {
    const plugin = join(folder, 'node_modules', 'fedtune-plugin-stuck');
    mkdirSync(plugin, { recursive: true });
    writeFileSync(join(plugin, 'package.json'), JSON.stringify({ name: 'fedtune-plugin-stuck', type: 'module', main: 'index.js' }));
    // Waits for an event nothing will ever send: Node's event loop empties with the import pending.
    writeFileSync(join(plugin, 'index.js'), 'await new Promise(() => {});\nexport default {};\n');
    const experiment = join(folder, 'experiment.json');
    writeFileSync(experiment, JSON.stringify({ data: { numClients: 2 }, training: { rounds: 1 }, plugins: ['fedtune-plugin-stuck'] }));
    const { exited } = fedtuneProcess(['run', experiment, '--out', join(folder, 'out')]);
    const { code, stderr } = await exited;
    expect(code).toBe(2);
    expect(stderr).toBe(
      'error: plugin "fedtune-plugin-stuck" never finished loading: its top-level code waits for something that never ' +
        'happens, so fedtune had nothing left to run. Fix or remove the plugin (list it under "plugins" only once it loads).\n',
    );
    // The results folder the run claimed, with its lock, is released as the process ends.
    expect(existsSync(join(folder, 'out'))).toBe(false);
  }, 120_000);
});
