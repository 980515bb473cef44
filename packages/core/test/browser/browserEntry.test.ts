import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildFailure, type BuildOptions } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { runtimeImportClosure } from './runtimeImports.js';

const PACKAGE = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE = join(PACKAGE, 'src');
const ENTRY = join(SOURCE, 'browser.ts');
const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const isNodeBuiltin = (specifier: string) => specifier.startsWith('node:') || NODE_BUILTINS.has(specifier);

describe('@fedtune/core/browser reaches no Node module', () => {
  const closure = runtimeImportClosure(ENTRY, SOURCE, join(PACKAGE, 'tsconfig.json'));

  it('walks the whole entry: the codec, parsing, federation from bytes, training and the client side', () => {
    const files = [...closure.keys()].map((file) => relative(SOURCE, file));
    for (const needed of [
      'wire/protocol/index.ts',
      'experiment/parse.ts',
      'federation/federationFromSource.ts',
      'federation/imageFederation.ts',
      'engine/plannedRun.ts',
      'engine/clientSide.ts',
      'builtins/container.ts',
    ]) {
      expect(files).toContain(needed);
    }
  });

  it('imports no node: module or Node builtin from any file it loads', () => {
    const offending = [...closure].flatMap(([file, imports]) =>
      imports.filter(({ specifier }) => isNodeBuiltin(specifier)).map(({ specifier }) => `${relative(SOURCE, file)} imports ${specifier}`),
    );
    expect(offending).toEqual([]);
  });

  it('uses neither Buffer nor process in any file it loads', () => {
    const offending = [...closure.keys()].filter((file) => /\bBuffer\.|\bprocess\./.test(readFileSync(file, 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '')));
    expect(offending.map((file) => relative(SOURCE, file))).toEqual([]);
  });

  it("the import walk sees a node: import where there is one (the Node entry's)", () => {
    const nodeEntry = runtimeImportClosure(join(SOURCE, 'index.ts'), SOURCE, join(PACKAGE, 'tsconfig.json'));
    const specifiers = [...nodeEntry.values()].flat().map(({ specifier }) => specifier);
    expect(specifiers).toContain('node:fs');
    expect(specifiers).toContain('node:os');
  });

  it('bundles with esbuild for browsers, needing no Node builtin', async () => {
    const bundle = await bundleForBrowsers({ entryPoints: [ENTRY] });
    expect(bundle.problems).toEqual([]);
    expect(bundle.text).toContain('prepareFederationFrom');
  }, 120_000);

  it("the bundle check catches a module that needs a Node builtin", async () => {
    const bundle = await bundleForBrowsers({ stdin: { contents: "import { readFileSync } from 'node:fs'; export const read = readFileSync;", loader: 'ts' } });
    expect(bundle.problems.join('\n')).toMatch(/node:fs/);
  });
});

/** Bundles for `platform: 'browser'`; `problems` lists esbuild's errors and every Node builtin a module imports. */
async function bundleForBrowsers(input: Pick<BuildOptions, 'entryPoints' | 'stdin'>): Promise<{ problems: string[]; text: string }> {
  try {
    const result = await build({
      ...input,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      tsconfig: join(PACKAGE, 'tsconfig.json'),
    });
    const imports = Object.values(result.metafile.inputs).flatMap((module) => module.imports.map((imported) => imported.path));
    return { problems: imports.filter(isNodeBuiltin), text: result.outputFiles[0]?.text ?? '' };
  } catch (error) {
    const { errors } = error as BuildFailure;
    return { problems: errors.map((message) => message.text), text: '' };
  }
}
