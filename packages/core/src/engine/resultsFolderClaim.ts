import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CheckpointError, ConfigError } from '../errors.js';
import { isAtomicWriteTemporary, removeAbandonedTemporaryFiles } from '../io/atomicWrite.js';
import { checkOutputPath, createFolder } from '../io/outputPath.js';
import { explainWriteFailure } from '../io/writeFailure.js';
import { FolderLock, LOCK_FILE } from './folderLock.js';

/**
 * How a run takes its results folder: `new` needs it missing or empty, `overwrite` replaces
 * whatever it holds, `resume` goes on with the stopped run in it.
 */
export type ResultsFolderMode = 'new' | 'overwrite' | 'resume';

/** What a run asks of its folder, as `runExperiment`'s options say it (`resume` wins). */
export interface ResultsFolderIntent {
  overwrite?: boolean | undefined;
  resume?: boolean | undefined;
}

function modeOf(intent: ResultsFolderIntent): ResultsFolderMode {
  return intent.resume === true ? 'resume' : intent.overwrite === true ? 'overwrite' : 'new';
}

/**
 * Prefix of the hidden folder an overwriting run moves the previous contents into before deleting
 * them. Inside the results folder, not beside it: `fedtune report results/` never reads it as a
 * run, and the next claim deletes one that a kill left behind.
 */
const REPLACED_PREFIX = '.fedtune-replaced-';

/** What a claim may find in a folder and delete: its own lock and what killed runs left behind. */
function isLeftover(name: string): boolean {
  return name === LOCK_FILE || name.startsWith(REPLACED_PREFIX) || isAtomicWriteTemporary(name);
}

/**
 * A run's exclusive hold on its results folder, from before its inputs load until it ends: a
 * second run into the same folder is refused, naming the process that holds it.
 */
export class ResultsFolderClaim {
  private begun = false;
  private released = false;
  /** Releases the claim when the process ends without doing so: a plugin that stops Node mid-import, `process.exit`. */
  private readonly releaseAtExit = (): void => this.release();

  private constructor(
    /** The folder, as an absolute path. */
    readonly dir: string,
    /** What the run does with the folder. */
    readonly mode: ResultsFolderMode,
    private readonly lock: FolderLock,
    /** The outermost folder the claim created, removed again if the run never wrote. */
    private readonly created: string | undefined,
  ) {}

  /**
   * Checks `dir` can hold a run as `intent` asks, creates it (except to resume) and locks it. Cheap:
   * take it before loading any data. With `overwrite` nothing is removed yet (see
   * {@link beginWriting}). `log` hears of a stale lock taken over.
   * @throws ConfigError when `dir` or a folder above it is a file, when `dir` cannot be written
   *   (read-only, a name too long), when it holds files and neither `overwrite` nor `resume` is set,
   *   or when another running process holds it; CheckpointError when there is no folder to resume.
   */
  static take(dir: string, intent: ResultsFolderIntent & { log?: ((line: string) => void) | undefined }): ResultsFolderClaim {
    const mode = modeOf(intent);
    const absolute = checkOutputPath(dir, 'folder', '--out');
    let created: string | undefined;
    if (mode === 'resume') {
      if (!existsSync(absolute)) throw new CheckpointError(`${absolute} does not exist, so it holds no stopped run to resume; check the path.`);
    } else {
      created = createFolder(absolute);
    }
    const lock = FolderLock.acquire(absolute, intent.log ?? (() => {}));
    const claim = new ResultsFolderClaim(absolute, mode, lock, created);
    process.once('exit', claim.releaseAtExit);
    try {
      const held = readdirSync(absolute).filter((name) => !isLeftover(name));
      if (mode === 'new' && held.length > 0) {
        throw new ConfigError(`results folder ${absolute} is not empty; pass --overwrite to write into it, or choose another --out`);
      }
      for (const name of readdirSync(absolute)) {
        if (name.startsWith(REPLACED_PREFIX)) rmSync(join(absolute, name), { recursive: true, force: true });
      }
      removeAbandonedTemporaryFiles(absolute);
    } catch (error) {
      claim.release();
      throw error;
    }
    return claim;
  }

  /**
   * @throws ConfigError unless this claim is on `dir`, taken as `intent` asks: a run must not write
   *   into a folder claimed for another one, or overwrite one claimed to be resumed.
   */
  assertCovers(dir: string, intent: ResultsFolderIntent): void {
    const mode = modeOf(intent);
    if (this.dir !== resolve(dir) || this.mode !== mode) {
      throw new ConfigError(`the results folder claim is on ${this.dir} to ${this.mode}, but the run writes into ${resolve(dir)} to ${mode}; claim the run's own folder`);
    }
  }

  /**
   * Call once the run has checked its inputs, before its first write. With `overwrite`, everything
   * the folder held (an earlier run's ledger, adapter, checkpoint, `compare/` runs, other files) is
   * moved aside into a hidden folder, then deleted: nothing of it survives beside the new run, and a
   * run refused before this point leaves it as it was.
   */
  beginWriting(): void {
    if (this.begun) return;
    this.begun = true;
    if (this.mode !== 'overwrite') return;
    const previous = readdirSync(this.dir).filter((name) => name !== LOCK_FILE);
    if (previous.length === 0) return;
    // Renames are atomic and quick, so the run's files never sit beside half-deleted old ones.
    const replaced = join(this.dir, `${REPLACED_PREFIX}${Date.now()}-${process.pid}`);
    try {
      mkdirSync(replaced);
      for (const name of previous) renameSync(join(this.dir, name), join(replaced, name));
    } catch (error) {
      throw explainWriteFailure(error, this.dir);
    }
    rmSync(replaced, { recursive: true, force: true });
  }

  /**
   * Ends the claim: removes the lock and, when the claim created the folder and the run wrote
   * nothing into it, the folder too.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.releaseAtExit);
    this.lock.release();
    if (this.created === undefined || this.begun) return;
    // From the results folder up to the outermost folder the claim made, each while empty.
    for (let dir = this.dir; ; dir = dirname(dir)) {
      try {
        rmdirSync(dir);
      } catch {
        return;
      }
      if (dir === this.created) return;
    }
  }
}
