import { basename, dirname } from 'node:path';
import { ConfigError, FedtuneError } from '../errors.js';

/** Why a write failed, and what to do, for the codes the user (not fedtune) can fix. */
const WRITE_FAILURES: Readonly<Record<string, { cause: string; fix: string; userInput: boolean }>> = {
  // A full disk is the machine's state, not a bad input: the CLI exits with its "failure" status.
  ENOSPC: { cause: 'no space left on the device', fix: 'free some space there, or write to a folder on another disk', userInput: false },
  EDQUOT: { cause: 'the disk quota is used up', fix: 'free some space there, or write to a folder on another disk', userInput: false },
  EACCES: { cause: 'permission denied', fix: 'make the folder writable, or choose another folder', userInput: true },
  EPERM: { cause: 'operation not permitted', fix: 'make the folder writable, or choose another folder', userInput: true },
  EROFS: { cause: 'the file system is read-only', fix: 'choose a folder on a writable disk', userInput: true },
};

/**
 * The error to throw for a failed write of `path`: a fedtune error naming the folder, the file and
 * the cause when the failure is the disk's or the folder's (full, read-only, not writable), and
 * `error` itself otherwise.
 */
export function explainWriteFailure(error: unknown, path: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const failure = typeof code === 'string' ? WRITE_FAILURES[code] : undefined;
  if (failure === undefined) return error;
  const message = `cannot write ${basename(path)} in ${dirname(path)}: ${failure.cause} (${code}); ${failure.fix}`;
  return failure.userInput ? new ConfigError(message, { cause: error }) : new FedtuneError(message, { cause: error });
}
