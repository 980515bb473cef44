// What a browser tab downloads to join a federation: the client page's scripts as fedtune serve
// bundles them, for core alone and with the experiment plugins, and how long the bundling takes.
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { bundleClientPage, PAGE_SCRIPT } from '../dist/server/page/clientPageBundle.js';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The plugin sets bundled: none (core's components only), each fedtune plugin, all of them. */
export const PLUGIN_SETS = [
  [],
  ['@fedtune/plugin-aquila'],
  ['@fedtune/plugin-rmlora'],
  ['@fedtune/plugin-safari'],
  ['@fedtune/plugin-tac'],
  ['@fedtune/backend-gpujs'],
  ['@fedtune/plugin-aquila', '@fedtune/plugin-rmlora', '@fedtune/plugin-safari', '@fedtune/plugin-tac', '@fedtune/backend-gpujs'],
];

/**
 * Bundles the page for each plugin set. `loadedFirst` counts the entry script and the chunks it
 * imports statically (what every tab loads); `total` adds the chunks loaded only when asked (tfjs's
 * WebGL backend, for tabs that train on their GPU). Bytes are raw and gzip-compressed (level 9).
 */
export async function measureClientPageWeight() {
  const results = [];
  for (const plugins of PLUGIN_SETS) {
    const began = performance.now();
    const scripts = await bundleClientPage({ plugins, resolveFrom: repositoryRoot });
    const bundleMs = performance.now() - began;
    const entry = scripts.get(PAGE_SCRIPT) ?? '';
    const staticChunks = new Set([...entry.matchAll(/^import[^;]*?from"\.\/(chunks\/[^"]+)"/gm)].map((match) => match[1]));
    const sizes = (names) => {
      const texts = names.map((name) => scripts.get(name) ?? '');
      return { bytes: texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0), gzipBytes: texts.reduce((sum, text) => sum + gzipSync(text, { level: 9 }).byteLength, 0) };
    };
    results.push({ plugins, bundleMs, files: scripts.size, loadedFirst: sizes([PAGE_SCRIPT, ...staticChunks]), total: sizes([...scripts.keys()]) });
  }
  return results;
}
