/**
 * Errors users see. Each names what is wrong and how to fix it; the class tells callers (and the
 * CLI's exit codes) which kind of input was at fault.
 */
export class FedtuneError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A vector or matrix argument has the wrong length or shape. */
export class ShapeError extends FedtuneError {}

/** A number that must be finite is NaN or ±Infinity. */
export class NonFiniteError extends FedtuneError {}

/** A payload on the wire cannot be decoded. */
export class PayloadError extends FedtuneError {}

/** An experiment file or option is invalid. */
export class ConfigError extends FedtuneError {}

/** A dataset file is missing, truncated, corrupt or inconsistent. */
export class DataError extends FedtuneError {}

/** A checkpoint or safetensors file is malformed. */
export class CheckpointError extends FedtuneError {}

/** A plugin is missing or registers something twice. */
export class PluginError extends FedtuneError {}
