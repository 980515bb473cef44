import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { container as rootContainer } from 'tsyringe';
import { afterAll, describe, expect, it } from 'vitest';
import { PluginError } from '../../src/errors.js';
import { loadPlugins } from '../../src/plugins/loader.js';
import { listNamed } from '../../src/plugins/registry.js';

/** An experiment folder with its own node_modules, as a user's project would have. */
const project = mkdtempSync(join(tmpdir(), 'fedtune-plugins-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

/** Writes a package into the project's node_modules; `files` maps paths in the package to contents. */
function installPackage(name: string, manifest: Record<string, unknown>, files: Record<string, string>): void {
  const folder = join(project, 'node_modules', name);
  for (const [path, text] of Object.entries({ ...files, 'package.json': JSON.stringify({ name, ...manifest }) })) {
    mkdirSync(join(folder, path, '..'), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
}

/** Plugin source that registers one aggregator named `aggregatorName` through the shared token. */
function pluginSource(packageName: string, aggregatorName: string, exportAs: 'default' | 'plugin'): string {
  const descriptor = `{
    name: ${JSON.stringify(packageName)},
    version: '1.0.0',
    register(container) {
      container.register(Symbol.for('fedtune.Aggregator'), { useValue: {
        name: ${JSON.stringify(aggregatorName)}, plugin: ${JSON.stringify(packageName)},
        create: () => ({ name: ${JSON.stringify(aggregatorName)}, aggregate: ({ global }) => global }),
      } });
    },
  }`;
  return exportAs === 'default' ? `export default ${descriptor};` : `export const plugin = ${descriptor};`;
}

installPackage(
  'fedtune-plugin-conditional',
  { type: 'module', exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } } },
  { 'dist/index.js': pluginSource('fedtune-plugin-conditional', 'conditional', 'default') },
);
installPackage(
  '@acme/fedtune-plugin-named',
  { type: 'module', main: 'lib/main.js' },
  { 'lib/main.js': pluginSource('@acme/fedtune-plugin-named', 'named', 'plugin') },
);
installPackage('not-a-plugin', { type: 'module', exports: './index.js' }, { 'index.js': 'export const helper = 1;' });
installPackage('corrupt-manifest', {}, {});
writeFileSync(join(project, 'node_modules', 'corrupt-manifest', 'package.json'), '{ "name": ');
installPackage('unbuilt-plugin', { type: 'module', exports: './dist/index.js' }, {});
installPackage('broken-plugin', { type: 'module' }, { 'index.js': 'throw new Error("boom at import");' });
installPackage(
  'failing-plugin',
  { type: 'module' },
  {
    'index.js':
      'export default { name: "failing-plugin", version: "1.0.0", register() { throw new Error("no GPU"); } };',
  },
);

const load = (names: string[]) => loadPlugins(rootContainer.createChildContainer(), names, { resolveFrom: project });

describe('loadPlugins', () => {
  it('imports plugins from the experiment folder through exports conditions or main, default or named export', async () => {
    const container = rootContainer.createChildContainer();
    const loaded = await loadPlugins(
      container,
      ['fedtune-plugin-conditional', '@acme/fedtune-plugin-named', 'fedtune-plugin-conditional'],
      { resolveFrom: project },
    );
    expect(loaded.map((plugin) => plugin.name)).toEqual(['fedtune-plugin-conditional', '@acme/fedtune-plugin-named']);
    expect(listNamed(container, 'aggregator').map((factory) => factory.name)).toEqual(['conditional', 'named']);
  });

  it('tells how to install a missing plugin, in exactly these words', async () => {
    await expect(load(['fedtune-plugin-missing'])).rejects.toThrow(
      new PluginError('plugin "fedtune-plugin-missing" is not installed: npm install fedtune-plugin-missing'),
    );
  });

  it('rejects a package that exports no plugin descriptor, listing what it exports', async () => {
    await expect(load(['not-a-plugin'])).rejects.toThrow(
      /package "not-a-plugin" is not a fedtune plugin: .*name, version and register\(container\); it exports: helper/,
    );
  });

  it('asks to build a package whose entry file is missing', async () => {
    await expect(load(['unbuilt-plugin'])).rejects.toThrow(/entry file \.\/dist\/index\.js is missing .*npm run build/);
  });

  it('asks to reinstall a package whose package.json is unreadable', async () => {
    await expect(load(['corrupt-manifest'])).rejects.toThrow(
      /plugin "corrupt-manifest" has an unreadable .*package\.json: .*; reinstall it \(npm install corrupt-manifest\)/,
    );
  });

  it('wraps errors thrown while importing or registering with the plugin name', async () => {
    await expect(load(['broken-plugin'])).rejects.toThrow(
      /plugin "broken-plugin" failed to load from .*: boom at import/,
    );
    await expect(load(['failing-plugin'])).rejects.toThrow(
      new PluginError('plugin "failing-plugin" failed to register its components: no GPU'),
    );
  });

  it('refuses entries that are paths rather than package names', async () => {
    await expect(load(['../outside'])).rejects.toThrow(/"\.\.\/outside" is not an npm package name/);
  });
});
