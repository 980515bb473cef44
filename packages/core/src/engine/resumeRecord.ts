import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { CheckpointError } from '../errors.js';
import { parseExperiment } from '../experiment/load.js';
import type { Experiment } from '../experiment/schema.js';
import { writeJsonAtomic } from './resultsFolder.js';

/** File name, at the top of an experiment's results folder, of what `--resume` needs. */
export const RESUME_FILE = 'resume.json';

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
  let json: { experiment?: unknown; experimentDir?: unknown; checkpointEvery?: unknown };
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as typeof json;
  } catch (error) {
    throw new CheckpointError(`${path} is not valid JSON (${(error as Error).message}); start the run again without --resume.`);
  }
  const every = json.checkpointEvery;
  if (typeof json.experimentDir !== 'string' || typeof every !== 'number' || !Number.isSafeInteger(every) || every <= 0) {
    throw new CheckpointError(`${path} lacks experimentDir or a positive checkpointEvery; start the run again without --resume.`);
  }
  const experimentDir = isAbsolute(json.experimentDir) ? json.experimentDir : resolve(outDir, json.experimentDir);
  return { experiment: parseExperiment(json.experiment, path), experimentDir, checkpointEvery: every };
}
