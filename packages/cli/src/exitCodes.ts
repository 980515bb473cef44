import { type FedtuneErrorKind, isFedtuneError } from '@fedtune/core/light';

/** Exit statuses of the `fedtune` command. */
export const ExitCode = {
  ok: 0,
  /** Something failed while running: a bug, or the machine (out of memory, a full disk). */
  failure: 1,
  /** The user's input is at fault: arguments, the experiment file, a plugin, a data or model file. */
  badInput: 2,
} as const;

/** Errors the user fixes by changing what they gave the command. */
const BAD_INPUT_ERRORS: readonly FedtuneErrorKind[] = ['ConfigError', 'PluginError', 'DataError', 'CheckpointError'];

/**
 * The exit status for an error that reached the top. Kinds are read from the error's brand, not its
 * class, so an error thrown by a plugin's own copy of `@fedtune/core` gets the same status.
 */
export function exitCodeFor(error: unknown): number {
  return BAD_INPUT_ERRORS.some((kind) => isFedtuneError(error, kind)) ? ExitCode.badInput : ExitCode.failure;
}
