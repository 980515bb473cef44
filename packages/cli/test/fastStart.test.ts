import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/fedtune.js', import.meta.url));
const logResolved = fileURLToPath(new URL('./logResolvedModules.mjs', import.meta.url));

/** The modules `fedtune <args>` resolves, as a process of its own (the built CLI), and its output. */
function modulesLoadedBy(args: string[]): { status: number | null; stdout: string; modules: string[] } {
  const result = spawnSync(process.execPath, ['--import', logResolved, bin, ...args], { encoding: 'utf8' });
  const modules = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('[resolved] '))
    .map((line) => line.slice('[resolved] '.length));
  return { status: result.status, stdout: result.stdout, modules };
}

/** What only a command that works needs: tfjs, the schema library, the network and report packages. */
const HEAVY = /@tensorflow\/|\/node_modules\/zod\/|\/(network|report)\/dist\/|\/core\/dist\/index\.js$/;

describe('fedtune starts fast', () => {
  it.each(['--help', '--version', 'run --help', 'list --help', 'pretrain --help', 'score --help', 'serve --help', 'join --help', 'report --help', 'compare --help', 'tokens --help'])(
    '`fedtune %s` loads neither tfjs nor zod nor the network or report packages',
    (command) => {
      const { status, stdout, modules } = modulesLoadedBy(command.split(' '));
      expect(status).toBe(0);
      expect(stdout).not.toBe('');
      // The hook saw the CLI itself, so an empty list below means something.
      expect(modules.some((url) => url.endsWith('/cli/dist/cli.js'))).toBe(true);
      expect(modules.filter((url) => HEAVY.test(url))).toEqual([]);
    },
  );

  it.each(['list', 'list --json'])(
    "`fedtune %s` reads component manifests: it loads zod for the option schemas, but not tfjs, core's engine or any plugin's entry",
    (command) => {
      const { status, stdout, modules } = modulesLoadedBy(command.split(' '));
      expect(status).toBe(0);
      expect(stdout).toMatch(/trimmed-mean/);
      expect(modules.some((url) => url.endsWith('/plugin-aquila/dist/components.js'))).toBe(true);
      const engine = /@tensorflow\/|tsyringe|gpu\.js|\/core\/dist\/index\.js$|\/(plugin-[a-z]+|backend-gpujs|custom-plugin)\/dist\/index\.js$/;
      expect(modules.filter((url) => engine.test(url))).toEqual([]);
    },
  );
});
