import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', packageDir), 'utf8')) as {
  bin: Record<string, string>;
  files: string[];
};

/** A copy of the package's bin in a folder of its own, with `dist/main.js` as given (or none). */
function installedShim(main?: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'fedtune-bin-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  mkdirSync(join(folder, 'bin'));
  copyFileSync(new URL(manifest.bin.fedtune as string, packageDir), join(folder, 'bin', 'fedtune.js'));
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ type: 'module' }));
  if (main !== undefined) {
    mkdirSync(join(folder, 'dist'));
    writeFileSync(join(folder, 'dist', 'main.js'), main);
  }
  return join(folder, 'bin', 'fedtune.js');
}

const run = (shim: string, args: string[]) => spawnSync(process.execPath, [shim, ...args], { encoding: 'utf8' });

describe('the fedtune bin', () => {
  it('is a committed file that npm can link at install time, before anything is built, and is published', () => {
    expect(manifest.bin.fedtune).toBe('./bin/fedtune.js');
    expect(existsSync(new URL(manifest.bin.fedtune as string, packageDir))).toBe(true);
    expect(manifest.files).toContain('bin');
  });

  it('runs the compiled CLI with the arguments it was given', () => {
    const shim = installedShim('process.stdout.write(JSON.stringify(process.argv.slice(2))); process.exitCode = 2;');
    const result = run(shim, ['run', 'examples/quickstart.json']);
    expect(result.stdout).toBe('["run","examples/quickstart.json"]');
    expect(result.status).toBe(2);
  });

  it('says how to build when the CLI is not compiled yet, and fails', () => {
    const result = run(installedShim(), ['--version']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: fedtune is not built yet \(.*dist\/main\.js is missing\)\. .*`npm start`.*`npm run build`/);
  });
});
