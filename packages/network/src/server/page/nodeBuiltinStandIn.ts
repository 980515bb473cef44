import { builtinModules } from 'node:module';
import type { Plugin } from 'esbuild';

const NAMESPACE = 'fedtune-node-builtin';
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/**
 * An esbuild plugin giving a browser bundle a stand-in for each Node builtin a module imports: the
 * same export names, each a function that throws, naming the builtin, when called. Plugins may keep
 * server-only code beside what clients run (TAC's projection log writes files from the aggregator,
 * which only the server calls); the page loads, and a client that reaches such code fails loudly.
 */
export function nodeBuiltinStandIn(): Plugin {
  return {
    name: 'fedtune node builtin stand-in',
    setup(build) {
      build.onResolve({ filter: /^[a-z_:/]+$/ }, ({ path }) => (BUILTINS.has(path) ? { path, namespace: NAMESPACE } : undefined));
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async ({ path }) => {
        const names = Object.keys((await import(path)) as Record<string, unknown>).filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name));
        const lines = [
          `const standIn = (name) => function () { throw new Error(${JSON.stringify(path)} + "'s " + name + " was called in a browser; it runs on the server only, so the component calling it must not run on clients"); };`,
          ...names.map((name) => `export const ${name} = standIn(${JSON.stringify(name)});`),
          `export default new Proxy({}, { get: (_target, name) => standIn(String(name)) });`,
        ];
        return { contents: lines.join('\n'), loader: 'js' };
      });
    },
  };
}
