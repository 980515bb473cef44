import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { container as rootContainer } from 'tsyringe';
import { afterAll, describe, expect, it } from 'vitest';
import { PluginError } from '../../src/errors.js';
import { loadPlugins } from '../../src/plugins/loader.js';
import { listNamed } from '../../src/plugins/registry.js';

/** An experiment folder with its own node_modules, as a user's project would have. */
const project = mkdtempSync(join(tmpdir(), 'fedtune-plugins-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

/** Writes a package into the project's node_modules (or `folder`); `files` maps paths in the package to contents. */
function installPackage(
  name: string,
  manifest: Record<string, unknown>,
  files: Record<string, string>,
  folder = join(project, 'node_modules', name),
): void {
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

/** The core running these tests, and a second copy of it as a plugin's own node_modules would hold one. */
const runningCore = fileURLToPath(new URL('../../', import.meta.url));
const coreCopy = {
  'node_modules/@fedtune/core/package.json': readFileSync(join(runningCore, 'package.json'), 'utf8'),
  // Importing the copy at all would be too late: the loader must refuse first.
  'node_modules/@fedtune/core/dist/index.js': 'throw new Error("the plugin\'s copy of core was imported");',
};
const importsCore = 'import "@fedtune/core";\n';
// The project's own core is the running one, linked as npm links a workspace package.
mkdirSync(join(project, 'node_modules', '@fedtune'), { recursive: true });
symlinkSync(runningCore, join(project, 'node_modules', '@fedtune', 'core'), 'dir');
installPackage('fedtune-plugin-shares-core', { type: 'module' }, { 'index.js': pluginSource('fedtune-plugin-shares-core', 'shared', 'default') });
installPackage('fedtune-plugin-private-core', { type: 'module' }, {
  'index.js': importsCore + pluginSource('fedtune-plugin-private-core', 'private', 'default'),
  ...coreCopy,
});
// `npm install ../linked-plugin` links the folder, whose node_modules holds the core it was built with.
const linkedFolder = join(project, 'linked-plugin');
installPackage(
  'fedtune-plugin-linked',
  { type: 'module' },
  { 'index.js': importsCore + pluginSource('fedtune-plugin-linked', 'linked', 'default'), ...coreCopy },
  linkedFolder,
);
symlinkSync(linkedFolder, join(project, 'node_modules', 'fedtune-plugin-linked'), 'dir');

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

  it('never imports a plugin from inside the results folder being resumed, even through a link', async () => {
    // A results folder someone handed over, carrying its own node_modules with a plugin in it.
    const results = join(project, 'results', 'handed-over');
    const planted = join(results, 'node_modules', 'fedtune-plugin-planted');
    installPackage('fedtune-plugin-planted', { type: 'module' }, { 'index.js': 'throw new Error("planted code ran");' }, planted);
    const refused = loadPlugins(rootContainer.createChildContainer(), ['fedtune-plugin-planted'], {
      resolveFrom: results,
      refuseFrom: results,
    });
    await expect(refused).rejects.toThrow(PluginError);
    await expect(refused).rejects.toThrow(
      /^plugin "fedtune-plugin-planted" would be imported from .*handed-over.node_modules.fedtune-plugin-planted, inside the results folder .*handed-over; fedtune never runs code that came with a results folder\. Install the plugin where you run fedtune \(npm install fedtune-plugin-planted\) and resume again\.$/,
    );
    // The same results folder reached through a link is the same folder.
    const link = join(project, 'results-link');
    symlinkSync(results, link, 'dir');
    await expect(
      loadPlugins(rootContainer.createChildContainer(), ['fedtune-plugin-planted'], { resolveFrom: link, refuseFrom: results }),
    ).rejects.toThrow(/inside the results folder/);
    // Plugins installed outside the folder still load.
    const container = rootContainer.createChildContainer();
    await loadPlugins(container, ['fedtune-plugin-conditional'], { resolveFrom: project, refuseFrom: results });
    expect(listNamed(container, 'aggregator').map((factory) => factory.name)).toEqual(['conditional']);
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

  it('loads a plugin whose @fedtune/core resolves to the running core, through a link', async () => {
    const loaded = await load(['fedtune-plugin-shares-core']);
    expect(loaded.map((plugin) => plugin.name)).toEqual(['fedtune-plugin-shares-core']);
  });

  it('refuses, before importing it, a plugin that would load its own copy of @fedtune/core, naming both copies and the fix', async () => {
    const runningManifest = realpathSync(join(runningCore, 'package.json'));
    const ownFolder = realpathSync(join(project, 'node_modules', 'fedtune-plugin-private-core'));
    await expect(load(['fedtune-plugin-private-core'])).rejects.toThrow(
      new PluginError(
        `plugin "fedtune-plugin-private-core" (${ownFolder}) would load its own copy of @fedtune/core ` +
          `(${join(ownFolder, 'node_modules', '@fedtune', 'core', 'package.json')}), not the one running fedtune ` +
          `(${runningManifest}); two copies do not share error classes or state. Keep one: install the plugin ` +
          'with `npm install --install-links <its folder>` (npm then copies it and resolves its peer @fedtune/core ' +
          `from this project), or remove the plugin's copy (${join(ownFolder, 'node_modules', '@fedtune', 'core')}); ` +
          'and keep @fedtune/core a peerDependency of the plugin, never a dependency',
      ),
    );
  });

  it('finds the copy of a plugin installed from a folder (a link) by the real folder, as Node resolves its imports', async () => {
    const realFolder = realpathSync(linkedFolder);
    await expect(load(['fedtune-plugin-linked'])).rejects.toThrow(
      `plugin "fedtune-plugin-linked" (${realFolder}) would load its own copy of @fedtune/core ` +
        `(${join(realFolder, 'node_modules', '@fedtune', 'core', 'package.json')})`,
    );
  });
});
