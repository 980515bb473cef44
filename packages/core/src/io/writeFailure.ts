import { basename, dirname } from 'node:path';
import { excerpt } from '../engine/excerpt.js';
import { ConfigError, FedtuneError } from '../errors.js';

/** Why a write failed, and what to do, for the codes the user (not fedtune) can fix. */
const WRITE_FAILURES: Readonly<Record<string, { cause: string; fix: string; userInput: boolean }>> = {
  // A full disk is the machine's state, not a bad input: the CLI exits with its "failure" status.
  ENOSPC: { cause: 'no space left on the device', fix: 'free some space there, or write to a folder on another disk', userInput: false },
  EDQUOT: { cause: 'the disk quota is used up', fix: 'free some space there, or write to a folder on another disk', userInput: false },
  EACCES: { cause: 'permission denied', fix: 'make the folder writable, or choose another folder', userInput: true },
  EPERM: { cause: 'operation not permitted', fix: 'make the folder writable, or choose another folder', userInput: true },
  EROFS: { cause: 'the file system is read-only', fix: 'choose a folder on a writable disk', userInput: true },
  ENAMETOOLONG: { cause: 'a name in the path is too long for the file system', fix: 'choose a shorter name', userInput: true },
  ENOTDIR: { cause: 'a folder in the path is a file', fix: 'choose a path under folders only', userInput: true },
  EISDIR: { cause: 'it is a folder', fix: 'name a file to write, not a folder', userInput: true },
};

/**
 * The error to throw for a failed write of `path`: a fedtune error naming the folder, the file and
 * the cause when the failure is the disk's or the path's (full, read-only, not writable, a name too
 * long, a file where a folder goes or the reverse), and `error` itself otherwise.
 */
export function explainWriteFailure(error: unknown, path: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const failure = typeof code === 'string' ? WRITE_FAILURES[code] : undefined;
  if (failure === undefined) return error;
  // A name too long for the file system can be thousands of characters.
  const message = `cannot write ${excerpt(basename(path))} in ${dirname(path)}: ${failure.cause} (${code}); ${failure.fix}`;
  return failure.userInput ? new ConfigError(message, { cause: error }) : new FedtuneError(message, { cause: error });
}
