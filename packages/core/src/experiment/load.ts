import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { findJsonSyntaxProblem } from './jsonSyntax.js';
import { parseExperiment } from './parse.js';
import type { Experiment } from './schema.js';

export { parseExperiment } from './parse.js';

/** An experiment read from disk. */
export interface ExperimentFile {
  experiment: Experiment;
  /** Absolute folder of the file: relative paths in it (the base model, plugins) start here. */
  dir: string;
}

/**
 * Reads, parses and validates an experiment file.
 * @throws ConfigError when the file is missing, is not JSON (with line and column), or breaks the
 *   schema (listing every problem at once).
 */
export async function readExperimentFile(path: string): Promise<ExperimentFile> {
  const text = await readExperimentText(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const syntax = findJsonSyntaxProblem(text);
    const where =
      syntax === undefined
        ? String(error)
        : `line ${syntax.line}, column ${syntax.column}: ${syntax.problem}\n${syntax.excerpt}`;
    throw new ConfigError(`experiment file ${path} is not valid JSON: ${where}`, { cause: error });
  }
  return { experiment: parseExperiment(json, `experiment file ${path}`), dir: dirname(resolve(path)) };
}

async function readExperimentText(path: string): Promise<string> {
  try {
    // A byte-order mark is invisible in editors but breaks JSON.parse.
    return (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
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
