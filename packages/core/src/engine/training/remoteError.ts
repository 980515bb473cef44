import {
  CheckpointError,
  ConfigError,
  DataError,
  FedtuneError,
  fedtuneErrorKind,
  NonFiniteError,
  PayloadError,
  PluginError,
  ShapeError,
} from '../../errors.js';

/** An error as plain data, to cross a thread boundary. */
export interface SerialisedError {
  name: string;
  message: string;
  stack?: string | undefined;
  /** The fedtune error kind, when it is one (a plugin's subclass keeps its own `name`). */
  kind?: string | undefined;
}

/** The class an error from a worker is rebuilt as, by its fedtune kind, so `isFedtuneError` holds in the main thread. */
const FEDTUNE_ERRORS: ReadonlyMap<string, new (message: string) => FedtuneError> = new Map(
  [FedtuneError, ShapeError, NonFiniteError, PayloadError, ConfigError, DataError, CheckpointError, PluginError].map(
    (errorClass) => [errorClass.kind, errorClass],
  ),
);

/** The name, message, stack and fedtune kind of anything thrown. */
export function serialiseError(error: unknown): SerialisedError {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack, kind: fedtuneErrorKind(error) };
  }
  return { name: 'Error', message: String(error) };
}

/**
 * The error again: a fedtune error comes back as core's class of its kind (so a diverged client is
 * still a `NonFiniteError`, whichever copy of core threw it), keeping its name; anything else as a
 * plain `Error` keeping name and message. The stack is the worker's, where the error was thrown.
 */
export function reviveError(serialised: SerialisedError): Error {
  // A kind this core does not know (a newer core's) still comes back as a fedtune error.
  const FedtuneClass =
    serialised.kind === undefined ? undefined : (FEDTUNE_ERRORS.get(serialised.kind) ?? FedtuneError);
  const error = FedtuneClass === undefined ? new Error(serialised.message) : new FedtuneClass(serialised.message);
  error.name = serialised.name;
  if (serialised.stack !== undefined) error.stack = serialised.stack;
  return error;
}
