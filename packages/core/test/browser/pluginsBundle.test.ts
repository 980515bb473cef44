import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type BuildFailure, type Metafile, type Plugin } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const REPOSITORY = fileURLToPath(new URL('../../../../', import.meta.url));
const CORE_BROWSER_ENTRY = fileURLToPath(new URL('../../dist/browser.js', import.meta.url));
const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const isNodeBuiltin = (specifier: string) => specifier.startsWith('node:') || NODE_BUILTINS.has(specifier);

/** The plugin packages a browser client may name, taken from their built `dist/` as `fedtune serve` bundles them. */
const PLUGIN_PACKAGES = [
  '@fedtune/plugin-aquila',
  '@fedtune/plugin-rmlora',
  '@fedtune/plugin-safari',
  '@fedtune/plugin-tac',
  '@fedtune/backend-gpujs',
];

/** The modules allowed a Node builtin: AQUILA's bits log and TAC's projection log, which only the server writes, and only when it writes. */
const SERVER_ONLY_MODULES = ['packages/plugin-aquila/dist/uploadBitsLog.js', 'packages/plugin-tac/dist/projectionLog.js'];

/** `@fedtune/core` as a browser page sees it: core's browser entry, which every plugin then shares. */
const coreForBrowsers: Plugin = {
  name: '@fedtune/core for browsers',
  setup(build) {
    build.onResolve({ filter: /^@fedtune\/core$/ }, () => ({ path: CORE_BROWSER_ENTRY }));
  },
};

const PROBE = Symbol('resolving as esbuild would');

/**
 * A Node builtin that browsers get no stand-in for stays an import in the bundle, so the check can
 * name every module that asks for one. One a package's `browser` field replaces (tfjs and seedrandom
 * map `crypto`, `fs`, … to nothing) is left to esbuild, as a browser bundle takes it.
 */
const unmappedNodeBuiltinsExternal: Plugin = {
  name: 'unmapped Node builtins kept external',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async ({ path, kind, importer, resolveDir, pluginData }) => {
      if (pluginData === PROBE || !isNodeBuiltin(path)) return undefined;
      const asBundled = await build.resolve(path, { kind, importer, resolveDir, pluginData: PROBE });
      return asBundled.errors.length > 0 ? { path, external: true } : undefined;
    });
  },
};

interface BrowserBundle {
  /** esbuild's errors; empty when the bundle builds. */
  errors: string[];
  /** Every Node builtin a bundled module imports, the module's path relative to the repository. */
  builtinImports: { module: string; builtin: string }[];
  /** Every bundled module, relative to the repository. */
  modules: string[];
}

/** Bundles `contents` (an ES module resolved from the repository root) for browsers, as `fedtune serve` bundles a client page. */
async function bundleForBrowsers(contents: string): Promise<BrowserBundle> {
  let metafile: Metafile;
  try {
    const result = await build({
      stdin: { contents, resolveDir: REPOSITORY, sourcefile: 'page.js' },
      absWorkingDir: REPOSITORY,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      plugins: [coreForBrowsers, unmappedNodeBuiltinsExternal],
    });
    metafile = result.metafile;
  } catch (error) {
    return { errors: (error as BuildFailure).errors.map((message) => message.text), builtinImports: [], modules: [] };
  }
  const modules = Object.keys(metafile.inputs);
  const builtinImports = Object.entries(metafile.inputs).flatMap(([module, { imports }]) =>
    imports.filter(({ path }) => isNodeBuiltin(path)).map(({ path }) => ({ module, builtin: path })),
  );
  return { errors: [], builtinImports, modules };
}

const pageImportingEveryPlugin = [
  "export * as core from '@fedtune/core/browser';",
  ...PLUGIN_PACKAGES.map((name, index) => `export * as plugin${index} from '${name}';`),
].join('\n');

describe("a browser page bundles core's browser entry with every plugin package", () => {
  let bundle: BrowserBundle;
  beforeAll(async () => {
    bundle = await bundleForBrowsers(pageImportingEveryPlugin);
  }, 120_000);

  it('builds without an error', () => {
    expect(bundle.errors, 'the plugin packages are bundled from their dist/: build them first').toEqual([]);
  });

  it("imports no Node builtin except in the plugins' server-only logs", () => {
    const importers = [...new Set(bundle.builtinImports.map(({ module }) => module))].sort();
    expect(importers, JSON.stringify(bundle.builtinImports)).toEqual(SERVER_ONLY_MODULES);
  });

  it("takes every plugin's build and core's browser entry alone, never core's Node entry", () => {
    const { modules } = bundle;
    for (const folder of PLUGIN_PACKAGES.map((name) => `packages/${name.replace('@fedtune/', '')}`)) {
      expect(modules).toContain(`${folder}/dist/index.js`);
      // The descriptor's manifest, inlined from the JSON module import.
      expect(modules).toContain(`${folder}/package.json`);
    }
    expect(modules).toContain('packages/core/dist/browser.js');
    expect(modules).not.toContain('packages/core/dist/index.js');
  });

  it('resolves gpu.js to its browser build, not its Node sources', () => {
    const gpujs = bundle.modules.filter((module) => module.includes('node_modules/gpu.js/'));
    expect(gpujs).toEqual(['node_modules/gpu.js/dist/gpu-browser.js']);
  });
});

describe('the plugin bundle check', () => {
  it('names a module that reads its package.json through node:module', async () => {
    const { builtinImports } = await bundleForBrowsers(
      "import { createRequire } from 'node:module'; export const manifest = createRequire(import.meta.url)('./package.json');",
    );
    expect(builtinImports).toEqual([{ module: 'page.js', builtin: 'node:module' }]);
  });
});
