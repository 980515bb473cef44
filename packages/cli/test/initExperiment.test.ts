import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readExperimentFile } from '@fedtune/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const coreSchema = readFileSync(join(repoRoot, 'packages/core/experiment.schema.json'), 'utf8');
const folder = mkdtempSync(join(tmpdir(), 'fedtune-cli-init-experiment-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const schemaOf = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { $schema: string }).$schema;

describe('fedtune init experiment', () => {
  it('ships the quickstart template as a copy of examples/quickstart.json', () => {
    expect(readFileSync(join(repoRoot, 'packages/cli/templates/experiments/quickstart.json'), 'utf8')).toBe(
      readFileSync(join(repoRoot, 'examples/quickstart.json'), 'utf8'),
    );
  });

  it('writes the quickstart with "$schema" relative to the @fedtune/core installed above the file, and core reads it', async () => {
    const project = join(folder, 'project');
    mkdirSync(join(project, 'node_modules', '@fedtune'), { recursive: true });
    symlinkSync(join(repoRoot, 'packages/core'), join(project, 'node_modules', '@fedtune', 'core'), 'dir');
    const file = join(project, 'experiments', 'mine.json');
    const { code, stdout, stderr } = await runCli(['init', 'experiment', file, '--from', 'quickstart']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(`wrote ${file} from the quickstart template; check it with: fedtune run ${file} --dry-run\n`);
    expect(schemaOf(file)).toBe('../node_modules/@fedtune/core/experiment.schema.json');
    expect(readFileSync(resolve(dirname(file), schemaOf(file)), 'utf8')).toBe(coreSchema);
    const { experiment } = await readExperimentFile(file);
    expect(experiment.name).toBe('quickstart');
    expect(experiment.data.numClients).toBe(20);
  });

  it('falls back to the schema of the CLI\'s own core, with a note, where no @fedtune/core is installed', async () => {
    const file = join(folder, 'bare', 'experiment.json');
    mkdirSync(dirname(file));
    const { code, stdout } = await runCli(['init', 'experiment', file]);
    expect(code).toBe(0);
    expect(stdout).toContain('note: @fedtune/core is not installed in');
    expect(stdout).toContain('npm install --save-dev @fedtune/core');
    expect(readFileSync(resolve(dirname(file), schemaOf(file)), 'utf8')).toBe(coreSchema);
    expect((await readExperimentFile(file)).experiment.name).toBe('quickstart');
  });

  it('passes a dry run of fedtune run', async () => {
    const file = join(folder, 'dry', 'experiment.json');
    expect((await runCli(['init', 'experiment', file])).code).toBe(0);
    const { code, stderr } = await runCli(['run', file, '--dry-run']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);

  it('refuses to replace an existing file without --overwrite, leaving it as it was (exit 2)', async () => {
    const file = join(folder, 'kept.json');
    writeFileSync(file, 'my own experiment');
    const { code, stderr } = await runCli(['init', 'experiment', file]);
    expect(code).toBe(2);
    expect(stderr).toBe(`error: ${file} already exists; pass --overwrite to replace it, or give another file name\n`);
    expect(readFileSync(file, 'utf8')).toBe('my own experiment');
    expect((await runCli(['init', 'experiment', file, '--overwrite'])).code).toBe(0);
    expect(schemaOf(file)).toMatch(/experiment\.schema\.json$/);
  });

  it('refuses a folder as the file, and an unknown template, naming the fix (exit 2)', async () => {
    const dir = join(folder, 'a-folder');
    mkdirSync(dir);
    const asFolder = await runCli(['init', 'experiment', dir, '--overwrite']);
    expect(asFolder.code).toBe(2);
    expect(asFolder.stderr).toBe(`error: ${dir} is a folder; give a file path, such as ${join(dir, 'experiment.json')}\n`);
    const unknown = await runCli(['init', 'experiment', join(folder, 'x.json'), '--from', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('error: --from nope is not an experiment template; choose one of: quickstart\n');
  });
});
