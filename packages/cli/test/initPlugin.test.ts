import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const coreVersion = (JSON.parse(readFileSync(join(repoRoot, 'packages/core/package.json'), 'utf8')) as { version: string }).version;
// Outside the repository, so the package does not join its workspaces; its dependencies come
// from the repository's node_modules through a link.
const folder = mkdtempSync(join(tmpdir(), 'fedtune-cli-init-plugin-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Runs one of the package's own tools in its folder; throws, with its output, when it fails. */
function runTool(packageDir: string, tool: string, args: string[]): string {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  return execFileSync(join(packageDir, 'node_modules', '.bin', tool), args, { cwd: packageDir, encoding: 'utf8', stdio: 'pipe', env });
}

describe('fedtune init plugin', () => {
  it.each(['aggregator', 'compressor', 'selector', 'adapter', 'backend'])(
    '--kind %s: writes a plugin package that type-checks, builds and passes its own tests',
    async (kind) => {
      const packageDir = join(folder, kind);
      const { code, stdout, stderr } = await runCli(['init', 'plugin', `fedtune-plugin-my-${kind}`, '--kind', kind, '--dir', packageDir]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain(`wrote the ${kind} plugin fedtune-plugin-my-${kind} to ${packageDir}`);
      const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
        name: string;
        keywords: string[];
        license: string;
        fedtune: unknown;
        peerDependencies: Record<string, string>;
      };
      expect(manifest.name).toBe(`fedtune-plugin-my-${kind}`);
      expect(manifest.keywords).toContain('fedtune-plugin');
      expect(manifest.license).toBe('ISC');
      expect(manifest.fedtune).toEqual({ components: './dist/components.js' });
      expect(manifest.peerDependencies).toEqual({ '@fedtune/core': `^${coreVersion}` });
      expect(readFileSync(join(packageDir, 'src/index.ts'), 'utf8')).toContain(`readonly name = 'my-${kind}';`);
      if (kind === 'backend') {
        expect(readFileSync(join(packageDir, 'test/component.test.ts'), 'utf8')).toContain('describeBackendConformance');
      }
      symlinkSync(join(repoRoot, 'node_modules'), join(packageDir, 'node_modules'), 'dir');
      runTool(packageDir, 'tsc', ['-p', 'tsconfig.json', '--noEmit']);
      runTool(packageDir, 'tsc', ['-p', 'tsconfig.build.json']);
      const built = (await import(join(packageDir, 'dist/index.js'))) as { plugin: { name: string } };
      expect(built.plugin.name).toBe(`fedtune-plugin-my-${kind}`);
      const listed = (await import(join(packageDir, 'dist/components.js'))) as { components: Record<string, { name: string }[]> };
      expect(listed.components).toEqual({ [kind]: [expect.objectContaining({ name: `my-${kind}`, plugin: `fedtune-plugin-my-${kind}` })] });
      expect(runTool(packageDir, 'vitest', ['run', '--reporter=dot'])).toMatch(/Test Files\s+2 passed \(2\)/);
    },
    120_000,
  );

  it('names the component after the package without its fedtune-plugin- prefix or scope', async () => {
    const packageDir = join(folder, 'scoped');
    expect((await runCli(['init', 'plugin', '@me/median-of-means', '--dir', packageDir])).code).toBe(0);
    const source = readFileSync(join(packageDir, 'src/index.ts'), 'utf8');
    expect(source).toContain("readonly name = 'median-of-means';");
    expect(source).toContain('export class MedianOfMeansAggregator implements Aggregator');
  });

  it('writes the licence --license names', async () => {
    const packageDir = join(folder, 'licensed');
    expect((await runCli(['init', 'plugin', 'fedtune-plugin-licensed', '--license', 'MIT OR Apache-2.0', '--dir', packageDir])).code).toBe(0);
    expect((JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { license: string }).license).toBe('MIT OR Apache-2.0');
  });

  it('refuses a folder that is not empty, a bad name, an unknown kind and a licence that is not SPDX, naming the fix (exit 2)', async () => {
    const taken = join(folder, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'keep.txt'), 'mine');
    const inTaken = await runCli(['init', 'plugin', 'fedtune-plugin-x', '--dir', taken]);
    expect(inTaken.code).toBe(2);
    expect(inTaken.stderr).toBe(`error: ${taken} already exists and is not empty; choose another --dir\n`);
    expect(readFileSync(join(taken, 'keep.txt'), 'utf8')).toBe('mine');

    const badName = await runCli(['init', 'plugin', 'My Plugin', '--dir', join(folder, 'bad')]);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('error: plugin name "My Plugin" is not usable: give an npm package name');

    const badKind = await runCli(['init', 'plugin', 'fedtune-plugin-x', '--kind', 'channel', '--dir', join(folder, 'kind')]);
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toBe('error: --kind channel is not a component kind; choose one of: aggregator, compressor, selector, adapter, backend\n');

    const badLicense = await runCli(['init', 'plugin', 'fedtune-plugin-x', '--license', 'my own licence', '--dir', join(folder, 'licence')]);
    expect(badLicense.code).toBe(2);
    expect(badLicense.stderr).toBe(
      'error: --license "my own licence" is not an SPDX licence: give an identifier such as MIT, Apache-2.0 or ISC ' +
        '(or an expression such as "MIT OR Apache-2.0"), or UNLICENSED for a package you will not publish\n',
    );
  });
});
