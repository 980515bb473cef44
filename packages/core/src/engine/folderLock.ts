import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { explainWriteFailure } from '../io/writeFailure.js';

/** File name, inside a results folder, of the lock its run holds. */
export const LOCK_FILE = '.fedtune.lock';

/** Who holds a lock, as its file records it. */
interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

/**
 * An exclusive lock on a folder: a file created only if absent (`wx`), naming the process that
 * holds it, so two processes never both believe they own the folder.
 */
export class FolderLock {
  private constructor(
    readonly path: string,
    /** This lock's file content, to tell it from a lock taken over after this one was lost. */
    private readonly content: string,
  ) {}

  /**
   * Takes the lock of `dir` (which must exist). A lock left by a process of this host that is no
   * longer running is stale: it is taken over, and `log` says so.
   * @throws ConfigError naming the holder when a running process, or one on another host, holds it.
   */
  static acquire(dir: string, log: (line: string) => void): FolderLock {
    const path = join(dir, LOCK_FILE);
    const content = `${JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() } satisfies LockHolder)}\n`;
    for (;;) {
      try {
        writeFileSync(path, content, { flag: 'wx' });
        return new FolderLock(path, content);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw explainWriteFailure(error, path);
      }
      const held = readLock(path);
      // Released between the failed create and the read: try again.
      if (held === undefined) continue;
      const holder = parseHolder(held);
      if (holder === undefined) {
        throw new ConfigError(
          `results folder ${dir} is locked by ${path}, which does not say which process holds it; if no fedtune run is using the folder, delete that file and try again.`,
        );
      }
      if (holder.host !== hostname() || isRunning(holder.pid)) {
        throw new ConfigError(
          `results folder ${dir} is in use by process ${holder.pid} on ${holder.host} (started ${holder.startedAt}); ` +
            `wait for that run to end, or choose another --out. If that process is gone, delete ${path} and try again.`,
        );
      }
      if (takeOverStale(path, held)) {
        log(`note: results folder ${dir} was locked by process ${holder.pid}, which is no longer running; taking the folder over`);
      }
    }
  }

  /** Removes the lock file, unless another process has taken it over since. */
  release(): void {
    try {
      if (readLock(this.path) === this.content) rmSync(this.path, { force: true });
    } catch {
      // Releasing runs as a run ends, often on another error that must not be hidden; a lock left
      // behind names this process, and is stale (and taken over) once it has ended.
    }
  }
}

/** The lock file's text, or `undefined` when there is none. */
function readLock(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The holder a lock file names; `undefined` when it names none, or in fields too long to quote. */
function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    const { pid, host, startedAt } = value;
    const quotable = (field: unknown): field is string => typeof field === 'string' && field.length <= 200;
    return Number.isSafeInteger(pid) && (pid as number) > 0 && quotable(host) && quotable(startedAt)
      ? { pid: pid as number, host, startedAt }
      : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the stale lock whose text is `stale`; whether this process did. Renaming it aside first
 * means only one of several processes taking it over at once moves it, and one that moved a fresh
 * lock instead (another took the stale one over first) puts that lock back.
 */
function takeOverStale(path: string, stale: string): boolean {
  // Named like an atomic write's temporary file, so a claim deletes one that a kill left behind.
  const aside = `${path}.${process.pid}.0.tmp`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw explainWriteFailure(error, path);
  }
  const moved = readFileSync(aside, 'utf8');
  const wasStale = moved === stale;
  if (!wasStale) {
    try {
      // `link` never replaces: if yet another process has locked the folder meanwhile, its lock stays.
      linkSync(aside, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw explainWriteFailure(error, path);
    }
  }
  rmSync(aside, { force: true });
  return wasStale;
}
