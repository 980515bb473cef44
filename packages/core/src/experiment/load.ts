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

/** How a problem of the text starts the message: a syntax error makes it no JSON at all. */
const TEXT_PROBLEM_HEADINGS: Record<JsonProblemKind, string> = {
  syntax: 'is not valid JSON',
  'duplicate-key': 'cannot be read as written',
  'number-out-of-range': 'cannot be read as written',
};

/**
 * Reads, parses and validates an experiment file.
 * @throws ConfigError when the file is missing, is not JSON, gives a field twice or holds a number
 *   out of range (each with line, column and an excerpt), or breaks the schema (listing every
 *   problem at once).
 */
export async function readExperimentFile(path: string): Promise<ExperimentFile> {
  const text = await readExperimentText(path);
  // Scanned first, since JSON.parse silently keeps the last of two equal keys and reads 1e400 as Infinity.
  const problem = findJsonSyntaxProblem(text);
  if (problem !== undefined) {
    throw new ConfigError(
      `experiment file ${path} ${TEXT_PROBLEM_HEADINGS[problem.kind]}: line ${problem.line}, column ${problem.column}: ` +
        `${problem.problem}\n${problem.excerpt}`,
    );
  }
  return { experiment: parseExperiment(JSON.parse(text), `experiment file ${path}`), dir: dirname(resolve(path)) };
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
