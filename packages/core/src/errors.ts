/**
 * Errors users see. Each names what is wrong and how to fix it; its kind tells callers (and the
 * CLI's exit codes) which kind of input was at fault.
 *
 * Test the kind with {@link isFedtuneError}, not `instanceof`: a plugin built against another copy
 * of `@fedtune/core` throws that copy's classes, which `instanceof` does not recognise, while the
 * kind is a property keyed by a registry symbol that every copy shares.
 */

/** The kinds of fedtune error; each is also the name of the class that throws it. */
export const FEDTUNE_ERROR_KINDS = [
  'FedtuneError',
  'ShapeError',
  'NonFiniteError',
  'PayloadError',
  'ConfigError',
  'DataError',
  'CheckpointError',
  'PluginError',
] as const;

/** One of {@link FEDTUNE_ERROR_KINDS}. */
export type FedtuneErrorKind = (typeof FEDTUNE_ERROR_KINDS)[number];

/**
 * The property holding an error's kind. `Symbol.for` returns the same symbol in every copy of core
 * (and every realm), so the brand survives a plugin's private copy of this module.
 */
export const FEDTUNE_ERROR_KIND: unique symbol = Symbol.for('@fedtune/core.errorKind');

export class FedtuneError extends Error {
  /** The kind this class and its subclasses carry; a plugin's subclass inherits its parent's. */
  static readonly kind: FedtuneErrorKind = 'FedtuneError';
  declare readonly [FEDTUNE_ERROR_KIND]: FedtuneErrorKind;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    Object.defineProperty(this, FEDTUNE_ERROR_KIND, { value: (new.target as typeof FedtuneError).kind });
  }
}

/** A vector or matrix argument has the wrong length or shape. */
export class ShapeError extends FedtuneError {
  static override readonly kind = 'ShapeError';
}

/** A number that must be finite is NaN or ±Infinity. */
export class NonFiniteError extends FedtuneError {
  static override readonly kind = 'NonFiniteError';
}

/** A payload on the wire cannot be decoded. */
export class PayloadError extends FedtuneError {
  static override readonly kind = 'PayloadError';
}

/** An experiment file or option is invalid. */
export class ConfigError extends FedtuneError {
  static override readonly kind = 'ConfigError';
}

/** A dataset file is missing, truncated, corrupt or inconsistent. */
export class DataError extends FedtuneError {
  static override readonly kind = 'DataError';
}

/** A checkpoint or safetensors file is malformed. */
export class CheckpointError extends FedtuneError {
  static override readonly kind = 'CheckpointError';
}

/** A plugin is missing, registers something twice, or clashes with another plugin. */
export class PluginError extends FedtuneError {
  static override readonly kind = 'PluginError';
}

/** The class of each kind, for narrowing with {@link isFedtuneError}. */
interface FedtuneErrorClasses {
  FedtuneError: FedtuneError;
  ShapeError: ShapeError;
  NonFiniteError: NonFiniteError;
  PayloadError: PayloadError;
  ConfigError: ConfigError;
  DataError: DataError;
  CheckpointError: CheckpointError;
  PluginError: PluginError;
}

/**
 * The kind of a fedtune error from any copy of core, or `undefined` for anything else. A kind this
 * copy does not know (from a newer core) is still returned: the error is a fedtune error all the same.
 */
export function fedtuneErrorKind(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const kind = (error as { [FEDTUNE_ERROR_KIND]?: unknown })[FEDTUNE_ERROR_KIND];
  return typeof kind === 'string' ? kind : undefined;
}

/**
 * Whether `error` is a fedtune error — of the given kind, when one is given — thrown by this or any
 * other copy of `@fedtune/core`. `isFedtuneError(e)` is true for every kind; `isFedtuneError(e,
 * 'PayloadError')` only for payload errors (and plugin subclasses of them).
 */
export function isFedtuneError<Kind extends FedtuneErrorKind = 'FedtuneError'>(
  error: unknown,
  kind?: Kind,
): error is FedtuneErrorClasses[Kind] {
  const actual = fedtuneErrorKind(error);
  return actual !== undefined && (kind === undefined || kind === 'FedtuneError' || actual === kind);
}
