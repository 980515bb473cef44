import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The package folder. */
export const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

let built = false;

/**
 * Compiles the package to dist/ (once per test process) so a child Node process can import it:
 * the tests that need a process without an X display or without `gl` run one.
 */
export function buildPackage(): void {
  if (built) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: PACKAGE_DIR, stdio: 'pipe' });
  built = true;
}

/** What `new GpujsBackend(options)` did in a child process: the backend's name, or the error it threw. */
export interface ChildOutcome {
  name?: string;
  error?: { className: string; message: string };
  /** The kernel class gpu.js itself picks in `gpu` mode there, for comparison. */
  gpujsPicks: string;
}

/**
 * Creates a GpujsBackend in a fresh Node process with the given environment and extra Node
 * options, and reports what happened.
 */
export function createBackendInChild(
  options: object,
  env: NodeJS.ProcessEnv,
  nodeOptions: readonly string[] = []
): ChildOutcome {
  buildPackage();
  const script = `
    import gpujs from 'gpu.js';
    import { GpujsBackend } from './dist/index.js';
    const outcome = { gpujsPicks: new gpujs.GPU({ mode: 'gpu' }).Kernel.name };
    try {
      outcome.name = new GpujsBackend(${JSON.stringify(options)}).name;
    } catch (error) {
      outcome.error = { className: error.constructor.name, message: error.message };
    }
    console.log(JSON.stringify(outcome));
  `;
  const stdout = execFileSync(process.execPath, [...nodeOptions, '--input-type=module', '-e', script], {
    cwd: PACKAGE_DIR,
    env,
    encoding: 'utf8',
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildOutcome;
}

/** The current environment without DISPLAY. */
export function environmentWithoutDisplay(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DISPLAY;
  return env;
}
