import { decodeUtf8File } from '../../../data/files/strictUtf8.js';
import { CheckpointError, isFedtuneError } from '../../../errors.js';
import { findJsonSyntaxProblem } from '../../../experiment/jsonSyntax.js';
import { lineNestedTooDeep } from '../../../io/jsonNesting.js';
import { readFileWithin } from '../../../io/readFileWithin.js';

/**
 * Deepest nesting of lists and objects read from a model folder's JSON: Hugging Face configs nest a
 * few levels (`rope_scaling`, `text_config`); this keeps a hostile file from costing deep recursion
 * in code that walks the parsed value.
 */
export const MAX_HF_JSON_NESTING = 64;

/** What a JSON file of a model folder is, for the bounded read and for messages. */
export interface HfJsonExpectation {
  /** With its article: `a model config (config.json)`, `a tokenizer (tokenizer.json)`. */
  what: string;
  /** Largest size read; a larger file is refused before it is read. */
  maxBytes: number;
}

/**
 * Reads the JSON object in the file at `path`, strictly: bytes that are not UTF-8, a key given
 * twice, a number out of range or nesting deeper than {@link MAX_HF_JSON_NESTING} are refused, not
 * silently resolved as `TextDecoder` and `JSON.parse` would.
 * @throws CheckpointError naming `path` and the problem (with line and column for bad JSON) when
 *   the file is not a regular file within `maxBytes`, cannot be read, or is not such an object; the
 *   file system's `ENOENT` error when it does not exist, for the caller to explain.
 */
export function readHfJsonObject(path: string, expected: HfJsonExpectation): Record<string, unknown> {
  const text = readText(path, expected);
  const problem = findJsonSyntaxProblem(text);
  if (problem !== undefined) {
    throw new CheckpointError(
      `${path} is not valid JSON: line ${problem.line}, column ${problem.column}: ${problem.problem}; ` +
        `fix or restore the file.\n${problem.excerpt}`
    );
  }
  const deepLine = lineNestedTooDeep(text, MAX_HF_JSON_NESTING);
  if (deepLine !== undefined) {
    throw new CheckpointError(
      `${path} nests lists and objects more than ${MAX_HF_JSON_NESTING} deep (line ${deepLine}); ` +
        `it is not ${expected.what}, so restore the file.`
    );
  }
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const found = value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    throw new CheckpointError(`${path} holds ${found}, not a JSON object; it is not ${expected.what}, so restore the file.`);
  }
  return value as Record<string, unknown>;
}

function readText(path: string, expected: HfJsonExpectation): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileWithin(path, {
      what: expected.what,
      maxBytes: expected.maxBytes,
      error: CheckpointError,
      fix: `restore ${expected.what} from the model's original files`,
    });
  } catch (error) {
    if (isFedtuneError(error) || (error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    throw new CheckpointError(`${path} cannot be read (${(error as Error).message}); check its permissions.`, {
      cause: error,
    });
  }
  return decodeUtf8File(bytes, path, CheckpointError);
}
