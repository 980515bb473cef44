import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findInstalledPlugins } from '../src/pluginDiscovery.js';

const root = mkdtempSync(join(tmpdir(), 'fedtune-discovery-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function install(modules: string, name: string, manifest: Record<string, unknown> | string): void {
  const folder = join(modules, ...name.split('/'));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), typeof manifest === 'string' ? manifest : JSON.stringify({ name, ...manifest }));
}

describe('findInstalledPlugins', () => {
  const project = join(root, 'project');
  const nested = join(project, 'sub', 'folder');
  mkdirSync(nested, { recursive: true });
  install(join(project, 'node_modules'), 'by-keyword', { version: '1.0.0', keywords: ['other', 'fedtune-plugin'] });
  install(join(project, 'node_modules'), '@lab/by-field', { version: '2.0.0', fedtune: { plugin: true, components: './dist/components.js' } });
  install(join(project, 'node_modules'), 'not-a-plugin', { version: '1.0.0', keywords: ['fedtune'] });
  install(join(project, 'node_modules'), 'field-false', { version: '1.0.0', fedtune: { plugin: false } });
  install(join(project, 'node_modules'), 'broken', '{ not json');
  install(join(project, 'node_modules'), 'shadowed', { version: '1.0.0', keywords: ['fedtune-plugin'] });
  install(join(root, 'node_modules'), 'shadowed', { version: '9.9.9', keywords: ['fedtune-plugin'] });
  install(join(root, 'node_modules'), 'above', { version: '3.0.0', keywords: ['fedtune-plugin'] });

  it('finds packages marked by keyword or by the "fedtune" field, here and in every folder above, the nearest first, with any component manifest', () => {
    expect(findInstalledPlugins([nested])).toEqual([
      {
        name: '@lab/by-field',
        version: '2.0.0',
        resolveFrom: project,
        folder: join(project, 'node_modules', '@lab', 'by-field'),
        components: './dist/components.js',
      },
      { name: 'above', version: '3.0.0', resolveFrom: root, folder: join(root, 'node_modules', 'above') },
      { name: 'by-keyword', version: '1.0.0', resolveFrom: project, folder: join(project, 'node_modules', 'by-keyword') },
      { name: 'shadowed', version: '1.0.0', resolveFrom: project, folder: join(project, 'node_modules', 'shadowed') },
    ]);
  });

  it('finds nothing where nothing is installed, and each package once from several folders', () => {
    const empty = mkdtempSync(join(tmpdir(), 'fedtune-discovery-empty-'));
    try {
      expect(findInstalledPlugins([empty]).filter((plugin) => plugin.resolveFrom.startsWith(empty))).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true });
    }
    expect(findInstalledPlugins([nested, project]).map((plugin) => plugin.name)).toEqual(['@lab/by-field', 'above', 'by-keyword', 'shadowed']);
  });
});
