import { relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@fedtune/core';
import type { Plugin } from 'esbuild';
import { nodeBuiltinStandIn } from './nodeBuiltinStandIn.js';

/** The page's own script (built from src/page/clientPage.ts), beside this module's folder in dist/. */
const PAGE_MODULE = fileURLToPath(new URL('../../page/clientPage.js', import.meta.url));

/** Where esbuild places the files it returns; none is written. */
const OUT_DIR = resolve('fedtune-client-page');

/** What the page is bundled with. */
export interface ClientPageBundleOptions {
  /** The experiment's plugin packages, by name: the page registers each one. */
  plugins: readonly string[];
  /** Folder whose node_modules are searched first for them (the experiment's), then the working directory's. */
  resolveFrom: string;
  /**
   * The module whose `startClientPage(pluginModules)` the bundle calls: fedtune's client page by
   * default. Tests give a page of their own, bundled exactly as the client page is.
   */
  page?: string;
}

/** The page's entry script, as the page's HTML loads it; the chunks it imports lie under `chunks/`. */
export const PAGE_SCRIPT = 'fedtune-client.js';

/**
 * Bundles the client page's script with esbuild for browsers: the page, `@fedtune/core/browser` and
 * every plugin of the experiment, so a browser tab trains with the same components as a Node client.
 * Every import of `@fedtune/core` — the page's and the plugins' — is core's browser entry, once.
 * What the page loads only when asked (tfjs's WebGPU and WebGL backends) is a chunk of its own.
 * @returns each file of the bundle (ES modules) by its path under the page: {@link PAGE_SCRIPT} and its chunks.
 * @throws ConfigError naming a plugin that cannot be bundled for browsers and why.
 */
export async function bundleClientPage(options: ClientPageBundleOptions): Promise<ReadonlyMap<string, string>> {
  const { build } = await import('esbuild');
  const imports = options.plugins.map((name, index) => `import * as plugin${index} from ${JSON.stringify(name)};`);
  const modules = options.plugins.map((name, index) => `${JSON.stringify(name)}: plugin${index}`);
  const entry = [
    `import { startClientPage } from ${JSON.stringify(options.page ?? PAGE_MODULE)};`,
    ...imports,
    `startClientPage({ ${modules.join(', ')} });`,
  ].join('\n');
  try {
    const result = await build({
      stdin: { contents: entry, resolveDir: options.resolveFrom, sourcefile: 'fedtune-client-entry.js', loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      minify: true,
      splitting: true,
      // Output paths only name the files; nothing is written.
      outdir: OUT_DIR,
      entryNames: PAGE_SCRIPT.replace(/\.js$/, ''),
      chunkNames: 'chunks/[name]-[hash]',
      write: false,
      logLevel: 'silent',
      // Core's browser entry, from the core this server runs: the page and every plugin share it.
      plugins: [
        pluginsAsLoaded(options.plugins, [options.resolveFrom, process.cwd()]),
        oneCoreForBrowsers(fileURLToPath(import.meta.resolve('@fedtune/core/browser'))),
        nodeBuiltinStandIn(),
      ],
    });
    return new Map(result.outputFiles.map((file) => [relative(OUT_DIR, file.path).split(sep).join('/'), file.text]));
  } catch (error) {
    const messages = ((error as { errors?: { text: string }[] }).errors ?? []).map((message) => message.text);
    const reason = messages.length > 0 ? messages.join('; ') : (error as Error).message;
    throw new ConfigError(
      `the browser client page cannot be built (${reason}); install the experiment's plugins beside the experiment file, ` +
        'or join from Node with fedtune join',
      { cause: error },
    );
  }
}

/**
 * Finds each plugin package as the server's plugin loader does: from the experiment's folder, then
 * from the working directory (each walking up its node_modules folders).
 */
function pluginsAsLoaded(names: readonly string[], searchFrom: readonly string[]): Plugin {
  const wanted = new Set(names);
  return {
    name: 'fedtune plugins as the server loads them',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async ({ path, kind, pluginData }) => {
        if (!wanted.has(path) || pluginData === SEARCHING) return undefined;
        for (const resolveDir of searchFrom) {
          const found = await build.resolve(path, { kind, resolveDir, pluginData: SEARCHING });
          if (found.errors.length === 0) return found;
        }
        return { errors: [{ text: `plugin "${path}" is not installed where the server loads plugins from (${searchFrom.join(', ')}): npm install ${path}` }] };
      });
    },
  };
}

/** Marks the inner lookups of {@link pluginsAsLoaded}, which leave the name to esbuild. */
const SEARCHING = Symbol('searching for a plugin package');

/** Points `@fedtune/core` and `@fedtune/core/browser` at one file, core's browser entry. */
function oneCoreForBrowsers(coreForBrowsers: string): Plugin {
  return {
    name: 'one @fedtune/core for browsers',
    setup(build) {
      build.onResolve({ filter: /^@fedtune\/core(\/browser)?$/ }, () => ({ path: coreForBrowsers }));
    },
  };
}
