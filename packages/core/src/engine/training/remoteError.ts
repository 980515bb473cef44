import {
  CheckpointError,
  ConfigError,
  DataError,
  FedtuneError,
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
}

/** The classes an error from a worker is rebuilt as, by name, so `instanceof` works in the main thread. */
const FEDTUNE_ERRORS: ReadonlyMap<string, new (message: string) => FedtuneError> = new Map(
  [FedtuneError, ShapeError, NonFiniteError, PayloadError, ConfigError, DataError, CheckpointError, PluginError].map(
    (errorClass) => [errorClass.name, errorClass],
  ),
);

/** The name, message and stack of anything thrown. */
export function serialiseError(error: unknown): SerialisedError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

/**
 * The error again, as fedtune's class of the same name when there is one (so a diverged client is
 * still a `NonFiniteError`), otherwise a plain `Error` keeping name and message. The stack is the
 * worker's, where the error was thrown.
 */
export function reviveError(serialised: SerialisedError): Error {
  const FedtuneClass = FEDTUNE_ERRORS.get(serialised.name);
  const error = FedtuneClass === undefined ? new Error(serialised.message) : new FedtuneClass(serialised.message);
  if (FedtuneClass === undefined) error.name = serialised.name;
  if (serialised.stack !== undefined) error.stack = serialised.stack;
  return error;
}
