import { CheckpointError } from '../../../errors.js';

/**
 * The most transformer blocks a config.json may declare. A family makes its expected-tensor list
 * from the config before any weight is checked, so a corrupt count must not size it; released
 * GPT-2 and LLaMA models have at most 126.
 */
export const MAX_HF_LAYERS = 1024;

type Json = Readonly<Record<string, unknown>>;

/**
 * Reads the fields of one config.json for a model family. Each refusal is a CheckpointError naming
 * the file, the field, the value found and what is supported. A field set to null reads as absent,
 * since Hugging Face writes `None` for "use the default".
 */
export class HfConfigReader {
  /**
   * @param source names the file in errors.
   * @param family names the model family in errors (`GPT-2`).
   * @param prefix names the object read when it is nested (`rope_parameters.`).
   */
  constructor(
    private readonly json: Json,
    private readonly source: string,
    private readonly family: string,
    private readonly prefix = ''
  ) {}

  /** Throws the CheckpointError for `field`, ending in `supported` (what the field may hold). */
  refuse(field: string, supported: string): never {
    const value = this.json[field];
    const found = value === undefined ? 'absent' : JSON.stringify(value);
    throw new CheckpointError(`${this.source}: "${this.prefix}${field}" is ${found}; ${supported}.`);
  }

  /** A field's value, `undefined` when absent or null. */
  optional(field: string): unknown {
    const value = this.json[field];
    return value === null ? undefined : value;
  }

  /**
   * A positive integer. Without a default the field is required: sizes have none worth guessing,
   * as the tensors depend on them. `fallback.text` says in errors what null stands for (`4·n_embd`).
   */
  positiveInteger(field: string, fallback?: { readonly value: number; readonly text: string }): number {
    const value = this.optional(field) ?? fallback?.value;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      this.refuse(field, fallback === undefined ? 'it must be a positive integer' : `it must be a positive integer, or null for ${fallback.text}`);
    }
    return value;
  }

  /** A required count of transformer blocks, at most {@link MAX_HF_LAYERS}. */
  layerCount(field: string): number {
    const layers = this.positiveInteger(field);
    if (layers > MAX_HF_LAYERS) this.refuse(field, `fedtune loads at most ${MAX_HF_LAYERS} layers`);
    return layers;
  }

  /** A finite positive number, `fallback` when absent. */
  positiveNumber(field: string, fallback: number): number {
    const value = this.optional(field) ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      this.refuse(field, `it must be a positive number (default ${fallback})`);
    }
    return value;
  }

  /** true or false, `fallback` when absent. */
  boolean(field: string, fallback: boolean): boolean {
    const value = this.optional(field) ?? fallback;
    if (typeof value !== 'boolean') this.refuse(field, `it must be true or false (default ${fallback})`);
    return value;
  }

  /** One of `supported`, `fallback` when absent. */
  oneOf<T extends string>(field: string, supported: readonly T[], fallback: T): T {
    const value = this.optional(field) ?? fallback;
    if (!supported.includes(value as T)) {
      this.refuse(field, `fedtune's ${this.family} supports ${supported.map((name) => JSON.stringify(name)).join(', ')}`);
    }
    return value as T;
  }

  /** Refuses a boolean field set to true: a variant the family's forward does not compute (`why`). */
  unsupportedWhenTrue(field: string, why: string): void {
    const value = this.optional(field) ?? false;
    if (value !== false) this.refuse(field, `fedtune's ${this.family} supports only false (${why})`);
  }

  /** A nested object field, read by a reader of its own; `undefined` when absent. */
  object(field: string, supported: string): HfConfigReader | undefined {
    const value = this.optional(field);
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) this.refuse(field, `it must be an object or null; ${supported}`);
    return new HfConfigReader(value as Json, this.source, this.family, `${this.prefix}${field}.`);
  }
}
