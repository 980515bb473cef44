import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, isFedtuneError } from '../errors.js';
import { readTextFileWithin } from '../io/readFileWithin.js';
import { findJsonSyntaxProblem, type JsonProblemKind } from './jsonSyntax.js';
import { parseExperiment } from './parse.js';
import type { Experiment } from './schema.js';

export { parseExperiment } from './parse.js';

/** An experiment read from disk. */
export interface ExperimentFile {
  experiment: Experiment;
  /** Absolute folder of the file: relative paths in it (the base model, plugins) start here. */
  dir: string;
}

/** A change to an experiment file's JSON made before it is validated, such as the command line's overrides. */
export interface ExperimentEdit {
  /** Returns the edited JSON (the file's as parsed, which it may change). */
  apply(json: unknown): unknown;
  /** What the edit was, for messages: `--set training.rounds=50`. */
  description: string;
}

/** How a problem of the text starts the message: a syntax error makes it no JSON at all. */
const TEXT_PROBLEM_HEADINGS: Record<JsonProblemKind, string> = {
  syntax: 'is not valid JSON',
  'duplicate-key': 'cannot be read as written',
  'number-out-of-range': 'cannot be read as written',
};

/**
 * Reads, parses and validates an experiment file; with `edit`, the file's JSON as edited, so the
 * schema checks the result (and its messages name the edit).
 * @throws ConfigError when the file is missing, is not JSON, gives a field twice or holds a number
 *   out of range (each with line, column and an excerpt), or breaks the schema (listing every
 *   problem at once).
 */
export async function readExperimentFile(path: string, edit?: ExperimentEdit): Promise<ExperimentFile> {
  const text = await readExperimentText(path);
  // Scanned first, since JSON.parse silently keeps the last of two equal keys and reads 1e400 as Infinity.
  const problem = findJsonSyntaxProblem(text);
  if (problem !== undefined) {
    throw new ConfigError(
      `experiment file ${path} ${TEXT_PROBLEM_HEADINGS[problem.kind]}: line ${problem.line}, column ${problem.column}: ` +
        `${problem.problem}\n${problem.excerpt}`,
    );
  }
  const json = JSON.parse(text) as unknown;
  const experiment =
    edit === undefined
      ? parseExperiment(json, `experiment file ${path}`)
      : parseExperiment(edit.apply(json), `experiment file ${path} with ${edit.description}`);
  return { experiment, dir: dirname(resolve(path)) };
}

/** Far above any real experiment (they are a few kB); a larger file is refused before it is read. */
const MAX_EXPERIMENT_FILE_BYTES = 64 * 1024 * 1024;

async function readExperimentText(path: string): Promise<string> {
  try {
    // A byte-order mark is invisible in editors but breaks JSON.parse (the decoder drops it).
    return readTextFileWithin(path, {
      what: 'an experiment file',
      maxBytes: MAX_EXPERIMENT_FILE_BYTES, error: ConfigError,
      fix: "give the path of the experiment's .json file",
    });
  } catch (error) {
    if (isFedtuneError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const from = isAbsolute(path) ? '' : ` (relative to ${process.cwd()})`;
      throw new ConfigError(`experiment file not found: ${path}${from}; check the path`, { cause: error });
    }
    if (code === 'EISDIR') {
      throw new ConfigError(`${path} is a folder; give the path of the experiment's .json file`, { cause: error });
    }
    throw new ConfigError(`cannot read experiment file ${path}: ${(error as Error).message}`, { cause: error });
  }
}
