import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, REPOSITORY_ROOT, sourceImportGraph, workspacePackages } from './importGraph.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/cyclic/', import.meta.url));

describe('import cycles', () => {
  it('no package has an import cycle in its src/', () => {
    const cycles = importCycles(sourceImportGraph(workspacePackages())).map((cycle) => cycle.join(' → '));
    // A cycle is broken by moving the piece both files need (types, a registry) into a file that
    // neither imports back; a lazy import() does not break it.
    expect(cycles).toEqual([]);
  });

  it('sees every package with a src/ and the imports between its files', () => {
    const graph = sourceImportGraph(workspacePackages());
    const withSource = workspacePackages().filter((folder) => existsSync(join(folder, 'src')));
    expect(new Set([...graph.keys()].map((file) => file.slice(0, file.indexOf('/src/'))))).toEqual(
      new Set(withSource.map((folder) => relative(REPOSITORY_ROOT, folder)))
    );
    expect(graph.get('packages/core/src/index.ts')).toContain('packages/core/src/errors.ts');
  });

  it('finds cycles through type-only imports, re-exports, lazy imports and a file importing itself', () => {
    const graph = sourceImportGraph([FIXTURE], FIXTURE);
    expect(new Set(importCycles(graph))).toEqual(
      new Set([
        ['src/circle.ts', 'src/registry.ts', 'src/circle.ts'],
        ['src/defaults.ts', 'src/options.ts', 'src/defaults.ts'],
        ['src/eager.ts', 'src/lazy.ts', 'src/eager.ts'],
        ['src/self.ts', 'src/self.ts'],
      ])
    );
    expect(graph.get('src/registry.ts')).toEqual(['src/circle.ts', 'src/geometry.ts']);
  });

  it('names every file of a group that imports each other round', () => {
    const graph = new Map([
      ['hub.ts', ['left.ts', 'right.ts', 'leaf.ts']],
      ['left.ts', ['hub.ts']],
      ['right.ts', ['hub.ts']],
      ['leaf.ts', []],
    ]);
    expect(importCycles(graph)).toEqual([
      ['hub.ts', 'left.ts', 'hub.ts'],
      ['right.ts', 'hub.ts', 'right.ts'],
    ]);
  });
});
