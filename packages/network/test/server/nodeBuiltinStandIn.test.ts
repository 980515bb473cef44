import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { nodeBuiltinStandIn } from '../../src/server/page/nodeBuiltinStandIn.js';

/** Bundles `source` for browsers with the stand-ins and imports the result here. */
async function bundleAndImport(source: string): Promise<Record<string, (...args: unknown[]) => unknown>> {
  const result = await build({
    stdin: { contents: source, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    plugins: [nodeBuiltinStandIn()],
  });
  const text = result.outputFiles[0]?.text ?? '';
  return (await import(`data:text/javascript;base64,${Buffer.from(text).toString('base64')}`)) as Record<string, (...args: unknown[]) => unknown>;
}

describe('the stand-ins for Node builtins in a browser bundle', () => {
  it('let a module that imports node:fs and path load, and throw naming the builtin when called', async () => {
    const module = await bundleAndImport(
      "import { appendFileSync } from 'node:fs'; import path from 'path'; export const loaded = () => 'loaded';" +
        " export const write = () => appendFileSync('log', 'line'); export const join = () => path.join('a', 'b');",
    );
    expect(module.loaded?.()).toBe('loaded');
    expect(() => module.write?.()).toThrow(/^node:fs's appendFileSync was called in a browser; it runs on the server only/);
    expect(() => module.join?.()).toThrow(/^path's join was called in a browser/);
  });

  it('refuses, as esbuild does, a name the builtin does not export', async () => {
    await expect(bundleAndImport("import { noSuchExport } from 'node:fs'; export const x = noSuchExport;")).rejects.toThrow(/noSuchExport/);
  });
});
