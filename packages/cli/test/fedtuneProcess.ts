import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

const bin = fileURLToPath(new URL('../bin/fedtune.js', import.meta.url));
/** Where every process finds the experiment's plugins, as an installation would. */
export const cliFolder = fileURLToPath(new URL('..', import.meta.url));

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** How a `fedtune` process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * `fedtune <args>` as its own process (killed when the test file ends): its exit, and a wait for a
 * pattern in its output so far — tests wait for what a process prints, never for time.
 */
export function fedtuneProcess(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: cliFolder, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const watcher of watchers) watcher();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<ProcessExit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  /** The first match of `pattern` in the output, once it is there. */
  const match = async (pattern: RegExp): Promise<RegExpExecArray> => {
    for (;;) {
      const found = pattern.exec(stdout);
      if (found !== null) return found;
      await new Promise<void>((resolve) => {
        const watcher = () => {
          watchers.delete(watcher);
          resolve();
        };
        watchers.add(watcher);
      });
    }
  };
  return { child, exited, match };
}
