import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { listComponents } from '../src/actions/list.js';
import { manifestComponents } from '../src/componentManifestModule.js';
import { CONTRACT_KINDS } from '../src/contractComponentTable.js';
import { findInstalledPlugins } from '../src/pluginDiscovery.js';
import { registeredComponents } from '../src/registeredComponents.js';

/** Where `fedtune list` looks when run in this package: every plugin of the repository is installed here. */
const here = [fileURLToPath(new URL('..', import.meta.url))];

describe('fedtune list reads component manifests', () => {
  it('lists exactly what registering every installed plugin would: names, kinds, descriptions and options', async () => {
    const fromManifests = await listComponents(here);
    const byRegistering = await listComponents(here, registeredComponents);
    expect(fromManifests.failed).toEqual([]);
    expect(fromManifests.plugins.length).toBeGreaterThanOrEqual(6);
    expect(fromManifests).toEqual(byRegistering);
  });

  it("takes each plugin's schemas from the very objects its register() validates with", async () => {
    const withManifests = findInstalledPlugins(here).flatMap((installed) =>
      installed.components === undefined ? [] : [{ ...installed, components: installed.components }],
    );
    expect(withManifests.map((installed) => installed.name)).toEqual(
      expect.arrayContaining(['@fedtune/backend-gpujs', '@fedtune/plugin-aquila', '@fedtune/plugin-rmlora', '@fedtune/plugin-safari', '@fedtune/plugin-tac']),
    );
    for (const installed of withManifests) {
      const listed = (await manifestComponents(installed)).components;
      const registered = (await registeredComponents(installed)).components;
      for (const kind of CONTRACT_KINDS) {
        const schemas = (components: typeof listed) =>
          new Map((components[kind] ?? []).map((component) => [component.name, component.optionsSchema]));
        const registeredSchemas = schemas(registered);
        expect([...schemas(listed).keys()].sort(), `${installed.name} ${kind}`).toEqual([...registeredSchemas.keys()].sort());
        for (const [name, schema] of schemas(listed)) expect(schema, `${installed.name} ${kind} ${name}`).toBe(registeredSchemas.get(name));
      }
    }
  });
});

describe('fedtune list with plugins of every sort', () => {
  const project = mkdtempSync(join(tmpdir(), 'fedtune-list-manifests-'));
  afterAll(() => rmSync(project, { recursive: true, force: true }));
  const modules = join(project, 'node_modules');
  mkdirSync(join(modules, '@fedtune'), { recursive: true });
  // The plugins below resolve the @fedtune/core that runs this test, as installed plugins do.
  symlinkSync(fileURLToPath(new URL('../../core', import.meta.url)), join(modules, '@fedtune', 'core'), 'dir');

  function plugin(name: string, files: Record<string, string>, fedtune: Record<string, unknown> = { plugin: true }): void {
    const folder = join(modules, name);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name, version: '1.2.3', type: 'module', main: 'index.js', fedtune }));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);
  }
  const description = (kind: string, name: string, plugin: string) =>
    `export const components = { ${kind}: [{ name: '${name}', plugin: '${plugin}', description: 'from the manifest' }] };\n`;
  // Its entry would throw: listed from its manifest, the entry is never imported.
  plugin('a-manifest-only', { 'index.js': "throw new Error('the entry was imported');\n", 'components.js': description('selector', 'every-other', 'a-manifest-only') }, { plugin: true, components: './components.js' });
  plugin('b-no-manifest', {
    'index.js':
      "import { SELECTOR, registerNamed } from '@fedtune/core';\n" +
      "export default { name: 'b-no-manifest', version: '1.2.3', register(container) {\n" +
      "  registerNamed(container, SELECTOR, { name: 'round-robin', plugin: 'b-no-manifest', description: 'from the entry', create: () => { throw new Error('unused'); } });\n" +
      '} };\n',
  });
  plugin('c-clashes-with-core', { 'components.js': description('compressor', 'qsgd', 'c-clashes-with-core') }, { plugin: true, components: './components.js' });
  plugin('d-bad-shape', { 'components.js': "export const components = { compressors: [] };\n" }, { plugin: true, components: './components.js' });
  plugin('e-outside', {}, { plugin: true, components: '../a-manifest-only/components.js' });
  plugin('f-no-export', { 'components.js': 'export const other = 1;\n' }, { plugin: true, components: './components.js' });

  it('lists a manifest without importing the entry, falls back to the entry without one, and reports each broken plugin', async () => {
    const listing = await listComponents([project]);
    const ours = (name: string) => name.length > 2 && name[1] === '-';
    expect(listing.plugins.filter((entry) => ours(entry.name))).toEqual([
      { name: 'a-manifest-only', version: '1.2.3' },
      { name: 'b-no-manifest', version: '1.2.3' },
    ]);
    const selectors = listing.kinds.find((entry) => entry.kind === 'selector')?.components ?? [];
    expect(selectors.filter((component) => ours(component.from))).toEqual([
      { name: 'every-other', from: 'a-manifest-only', description: 'from the manifest', options: null },
      { name: 'round-robin', from: 'b-no-manifest', description: 'from the entry', options: null },
    ]);
    const failed = new Map(listing.failed.map((entry) => [entry.name, entry.error]));
    expect(failed.get('c-clashes-with-core')).toBe('two compressors are named "qsgd": from @fedtune/core and c-clashes-with-core; rename one');
    expect(failed.get('d-bad-shape')).toMatch(/components\.js must export "components", an object that lists by kind .*; "compressors" is not a kind$/);
    expect(failed.get('e-outside')).toMatch(/"fedtune\.components" in its package\.json \(\.\.\/a-manifest-only\/components\.js\) leads outside the package; name a module inside it/);
    expect(failed.get('f-no-export')).toMatch(/must export "components".*; it exports no "components"$/);
    // A refused plugin adds nothing: core's qsgd is still core's.
    const compressors = listing.kinds.find((entry) => entry.kind === 'compressor')?.components ?? [];
    expect(compressors.filter((component) => component.name === 'qsgd').map((component) => component.from)).toEqual(['@fedtune/core']);
  });
});
