import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { CheckpointError, ConfigError, isFedtuneError } from '../errors.js';
import { readTextFileWithin } from '../io/readFileWithin.js';
import { parseExperiment } from '../experiment/load.js';
import type { Experiment } from '../experiment/schema.js';
import { writeJsonAtomic } from './resultsFolder.js';

/** File name, at the top of an experiment's results folder, of what `--resume` needs. */
export const RESUME_FILE = 'resume.json';
/** A record holds one experiment (a few kB); a larger file was not written by fedtune. */
const MAX_RESUME_RECORD_BYTES = 16 * 1024 * 1024;

/** An experiment started with checkpoints: enough to go on with it from its results folder alone. */
export interface ResumeRecord {
  /** The experiment as it was run (overrides such as --seed applied). */
  experiment: Experiment;
  /** Folder its relative paths resolve against. */
  experimentDir: string;
  checkpointEvery: number;
}

/** Writes the record; the experiment folder is stored relative to `outDir`, so results can move with their sources. */
export function writeResumeRecord(outDir: string, record: ResumeRecord): void {
  writeJsonAtomic(join(outDir, RESUME_FILE), { ...record, experimentDir: relative(outDir, record.experimentDir) || '.' });
}

/** The record of the run in `outDir`; a {@link CheckpointError} saying why when it cannot be resumed. */
export function readResumeRecord(outDir: string): ResumeRecord {
  const path = join(outDir, RESUME_FILE);
  if (!existsSync(path)) {
    throw new CheckpointError(
      `${outDir} holds no resumable run (no ${RESUME_FILE}); only runs started with --checkpoint-every can be resumed.`
    );
  }
  const damaged = (problem: string, cause?: unknown) =>
    new CheckpointError(`${path} ${problem}; the folder was changed or damaged, start the run again without --resume.`, { cause });
  let text: string;
  try {
    text = readTextFileWithin(path, {
      what: 'a resume record',
      maxBytes: MAX_RESUME_RECORD_BYTES,
      error: CheckpointError,
      fix: 'the folder was changed or damaged, start the run again without --resume',
    });
  } catch (error) {
    if (isFedtuneError(error)) throw error;
    throw damaged(`cannot be read (${(error as Error).message})`, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw damaged(`is not valid JSON (${(error as Error).message})`, error);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw damaged('is not a JSON object');
  const { experiment, experimentDir, checkpointEvery: every } = json as Record<string, unknown>;
  if (typeof experimentDir !== 'string' || typeof every !== 'number' || !Number.isSafeInteger(every) || every <= 0) {
    throw damaged('lacks experimentDir or a positive checkpointEvery');
  }
  let parsed: Experiment;
  try {
    parsed = parseExperiment(experiment, `the experiment in ${path}`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new CheckpointError(
      `${error.message}\nResume with the fedtune release that started the run, or start it again without --resume.`,
      { cause: error },
    );
  }
  const dir = isAbsolute(experimentDir) ? experimentDir : resolve(outDir, experimentDir);
  return { experiment: parsed, experimentDir: dir, checkpointEvery: every };
}
