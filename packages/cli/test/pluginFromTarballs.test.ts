import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ComponentListing } from '../src/componentListing.js';

/**
 * The one slow test of `fedtune init plugin` as a plugin author meets it: everything installed from
 * tarballs, outside this repository. It packs core and the CLI (with the packages the CLI needs),
 * installs them in a fresh project, lets the installed `fedtune` write a plugin, installs the
 * plugin's dependencies (third-party ones from the registry, or npm's cache), builds and tests it,
 * packs and installs it, and lists and runs it. It takes 40 s on an idle machine and 90 s on a busy
 * one, so it runs only where FEDTUNE_TARBALL_TEST=1 (CI sets it); on a machine with no registry it
 * is skipped, saying why.
 */
const enabled = process.env.FEDTUNE_TARBALL_TEST === '1';
const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/**
 * The folders (under packages/) of the CLI and every package of this repository it depends on,
 * directly or not: what a user installs from the registry.
 */
function foldersToPack(): string[] {
  const manifests = new Map(
    readdirSync(join(repoRoot, 'packages')).map((folder) => {
      const manifest = JSON.parse(readFileSync(join(repoRoot, 'packages', folder, 'package.json'), 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
      };
      return [manifest.name, { folder, manifest }] as const;
    }),
  );
  const wanted = new Set<string>();
  const visit = (name: string) => {
    const found = manifests.get(name);
    if (found === undefined || wanted.has(found.folder)) return;
    wanted.add(found.folder);
    for (const dependency of Object.keys(found.manifest.dependencies ?? {})) visit(dependency);
  };
  visit('@fedtune/cli');
  return [...wanted];
}

/** What a package folder holds at its top that packing never reads. */
const NOT_PACKED = new Set(['node_modules', 'test', 'test-results', '.turbo']);

/**
 * Packs the packages in `folders` into `packs` from a copy of the repository's layout under `stage`,
 * never in the repository itself: packing runs each package's `prepack`, which puts files into its
 * folder (core copies the embedded data/ there) while the other packages' tests may be reading the
 * repository.
 */
function packStaged(folders: readonly string[], stage: string, packs: string): void {
  mkdirSync(join(stage, 'scripts'), { recursive: true });
  cpSync(join(repoRoot, 'LICENSE'), join(stage, 'LICENSE'));
  cpSync(join(repoRoot, 'scripts', 'package-license.mjs'), join(stage, 'scripts', 'package-license.mjs'));
  cpSync(join(repoRoot, 'data'), join(stage, 'data'), { recursive: true });
  for (const folder of folders) {
    const copy = join(stage, 'packages', folder);
    const original = join(repoRoot, 'packages', folder);
    // Top-level folders only: the CLI's plugin templates hold a test/ folder of their own.
    cpSync(original, copy, { recursive: true, filter: (source) => !NOT_PACKED.has(relative(original, source)) });
    run('npm', ['pack', '--pack-destination', packs], copy);
  }
}

/** Runs a command; throws with its output when it fails. */
function run(command: string, args: string[], cwd: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', npm_config_audit: 'false', npm_config_fund: 'false' };
  delete env.FORCE_COLOR;
  // npm run from inside vitest inherits the workspace's npm_* settings, which would point at this repository.
  for (const key of Object.keys(env)) if (key.startsWith('npm_package_') || key === 'npm_config_workspace') delete env[key];
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

function registryReachable(): boolean {
  return spawnSync('npm', ['ping'], { encoding: 'utf8', timeout: 20_000 }).status === 0;
}

describe.skipIf(!enabled)('a plugin from `fedtune init plugin`, installed from tarballs outside the repository', () => {
  it('builds, passes its own tests (the descriptor and component manifest checks), and `fedtune list` and `fedtune run` use it', (context) => {
    if (!registryReachable()) context.skip('the npm registry cannot be reached: third-party dependencies (tfjs, vitest) cannot be installed');
    const started = Date.now();
    const work = mkdtempSync(join(tmpdir(), 'fedtune-plugin-tarballs-'));
    onTestFinished(() => rmSync(work, { recursive: true, force: true }));
    const packs = join(work, 'packs');
    mkdirSync(packs);
    packStaged(foldersToPack(), join(work, 'stage'), packs);
    const tarballs = readdirSync(packs).map((file) => join(packs, file));
    const tarball = (prefix: string) => tarballs.find((file) => file.includes(`${prefix}-`)) as string;

    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-experiments', private: true, type: 'module' }));
    run('npm', ['install', '--prefer-offline', ...tarballs], project);
    const fedtune = join(project, 'node_modules', '.bin', 'fedtune');

    run(fedtune, ['init', 'plugin', 'fedtune-plugin-median', '--kind', 'aggregator', '--dir', join(work, 'median')], project);
    const plugin = join(work, 'median');
    // The plugin's @fedtune/core (a dev dependency) is the packed one, as it would be from the registry.
    run('npm', ['install', '--prefer-offline', '--save-dev', tarball('fedtune-core')], plugin);
    run('npm', ['run', 'build'], plugin);
    expect(run('npm', ['test'], plugin)).toMatch(/Test Files\s+2 passed \(2\)/);
    const pluginTarball = run('npm', ['pack', '--pack-destination', packs], plugin).trim().split('\n').at(-1) as string;
    run('npm', ['install', '--prefer-offline', join(packs, pluginTarball)], project);

    const listing = JSON.parse(run(fedtune, ['list', '--json'], project)) as ComponentListing;
    expect(listing.failed).toEqual([]);
    expect(listing.plugins).toContainEqual({ name: 'fedtune-plugin-median', version: '0.1.0' });
    const aggregators = listing.kinds.find((kind) => kind.kind === 'aggregator')?.components ?? [];
    expect(aggregators.find((component) => component.name === 'median')).toEqual({
      name: 'median',
      from: 'fedtune-plugin-median',
      description: 'the plain mean of the received updates',
      options: null,
    });

    const experiment = join(project, 'median.json');
    writeFileSync(
      experiment,
      JSON.stringify({
        seed: 1,
        plugins: ['fedtune-plugin-median'],
        data: { numClients: 2, trainLimit: 100, testLimit: 100 },
        training: { rounds: 1 },
        aggregator: 'median',
      }),
    );
    run(fedtune, ['run', experiment, '--out', join(project, 'results')], project);
    const summary = JSON.parse(readFileSync(join(project, 'results', 'summary.json'), 'utf8')) as { rounds: number };
    expect(summary.rounds).toBe(1);
    // How long the whole round trip took, for deciding where it runs.
    console.info(`plugin from tarballs: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }, 900_000);
});
