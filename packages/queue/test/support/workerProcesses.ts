import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./workerProcess.mjs', import.meta.url));

/** A queue worker in a process of its own. */
export interface WorkerProcess {
  /** Resolves on the worker's first `started` line: it holds a job. */
  firstJob: Promise<void>;
  /** SIGKILL: the process dies at once, its job's lock left to expire. */
  kill(): Promise<void>;
  /** SIGTERM: the worker finishes its jobs and exits. */
  stop(): Promise<void>;
}

/** Starts a worker process on `url` (with `env` added to this process's) and resolves once it waits for jobs. */
export async function startWorkerProcess(url: string, lockMs: number, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [entry, url, String(lockMs)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let stdout = '';
  const seen = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (stdout.split('\n').some((l) => l.startsWith(line))) resolve();
      };
      child.stdout.on('data', check);
      child.once('exit', (code) => reject(new Error(`worker process exited (${code}) before "${line}":\n${stderr}`)));
      check();
    });
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const firstJob = seen('started');
  firstJob.catch(() => undefined);
  await seen('ready');
  const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await ended;
  };
  return { firstJob, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}

/** Starts `count` worker processes at once. */
export function startWorkerProcesses(url: string, count: number, lockMs: number): Promise<WorkerProcess[]> {
  return Promise.all(Array.from({ length: count }, () => startWorkerProcess(url, lockMs)));
}

