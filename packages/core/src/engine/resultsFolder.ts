import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError, ConfigError } from '../errors.js';
import { removeAbandonedTemporaryFiles, writeFileAtomicSync } from '../io/atomicWrite.js';
import { readTextFileWithin } from '../io/readFileWithin.js';
import { explainWriteFailure } from '../io/writeFailure.js';
import type { LedgerRow, RunSummary } from './ledger.js';
import { parseLedgerLine } from './ledgerLine.js';

/** File names inside a results folder. */
export const RESULT_FILES = {
  experiment: 'experiment.json',
  ledger: 'ledger.jsonl',
  summary: 'summary.json',
  adapter: 'adapter',
} as const;

/** Bounds on what a resumed run reads back: far above what fedtune writes (a ledger row is under 2 kB). */
const MAX_LEDGER_BYTES = 256 * 1024 * 1024;
const MAX_SUMMARY_BYTES = 16 * 1024 * 1024;

/** Writes a JSON file atomically: a reader sees the old file or the new one, never half of one. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomicSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A run's results folder. Every finished round is appended to the ledger as one complete line, so
 * a run stopped half-way leaves each finished round readable. The experiment's top folder is
 * claimed first (see {@link ResultsFolderClaim}); this class writes one run's files inside it.
 *
 * Writes that fail because the disk is full or the folder read-only throw a fedtune error naming
 * the folder and the cause.
 */
export class ResultsFolder {
  private constructor(readonly dir: string) {}

  /**
   * Creates the folder with an empty ledger; refuses one that already holds a ledger unless
   * `overwrite`. Temporary files that killed atomic writes left in it are deleted.
   */
  static create(dir: string, overwrite: boolean): ResultsFolder {
    const ledger = join(dir, RESULT_FILES.ledger);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw explainWriteFailure(error, ledger);
    }
    const existing = readdirSync(dir).filter((name) => name === RESULT_FILES.ledger || name === RESULT_FILES.summary);
    if (existing.length > 0 && !overwrite) {
      throw new ConfigError(`results folder ${dir} already holds a run; choose another --out or pass --overwrite`);
    }
    // An overwritten run must not leave the previous run's summary beside a new, shorter ledger.
    rmSync(join(dir, RESULT_FILES.summary), { force: true });
    removeAbandonedTemporaryFiles(dir);
    try {
      writeFileSync(ledger, '');
    } catch (error) {
      throw explainWriteFailure(error, ledger);
    }
    return new ResultsFolder(dir);
  }

  /**
   * Reopens a stopped run's folder to go on from round `keepRounds`: the ledger keeps its first
   * `keepRounds` rows (rounds after the checkpoint are run again) and they are returned.
   */
  static reopen(dir: string, keepRounds: number): { folder: ResultsFolder; rows: LedgerRow[] } {
    // The run wrote its experiment before its first round; finishing without it would leave a folder no report can read.
    const experimentPath = join(dir, RESULT_FILES.experiment);
    if (!existsSync(experimentPath)) {
      throw new CheckpointError(
        `${experimentPath} is missing; the folder was changed, start the run again without --resume.`,
      );
    }
    const path = join(dir, RESULT_FILES.ledger);
    const text = existsSync(path) ? readTextFileWithin(path, { what: 'a ledger', maxBytes: MAX_LEDGER_BYTES, error: CheckpointError }) : '';
    const lines = text.split('\n').filter((line) => line !== '');
    if (lines.length < keepRounds) {
      throw new CheckpointError(
        `${path} has ${lines.length} rounds but the checkpoint is after round ${keepRounds}; the folder was changed, start the run again without --resume.`
      );
    }
    const kept = lines.slice(0, keepRounds);
    const rows = kept.map((line, index) => parseLedgerLine(line, index, path));
    removeAbandonedTemporaryFiles(dir);
    writeFileAtomicSync(path, kept.map((line) => `${line}\n`).join(''));
    return { folder: new ResultsFolder(dir), rows };
  }

  /** The summary of a finished run in `dir`, or `undefined` when it has none. */
  static finishedSummary(dir: string): RunSummary | undefined {
    const path = join(dir, RESULT_FILES.summary);
    if (!existsSync(path)) return undefined;
    const text = readTextFileWithin(path, { what: 'a run summary', maxBytes: MAX_SUMMARY_BYTES, error: CheckpointError });
    try {
      const summary: unknown = JSON.parse(text);
      if (typeof summary === 'object' && summary !== null && !Array.isArray(summary)) return summary as RunSummary;
    } catch {
      // Reported below, with the fix.
    }
    throw new CheckpointError(
      `${path} is not a run summary (not a JSON object); the folder was changed or damaged: delete ${RESULT_FILES.summary} to go on with --resume, or start the run again without it.`,
    );
  }

  /** Writes the experiment as it was run (overrides applied, data resolved). */
  writeExperiment(resolved: unknown): void {
    writeJsonAtomic(join(this.dir, RESULT_FILES.experiment), resolved);
  }

  /** Appends one round to the ledger; a failed append leaves the ledger as it was. */
  appendRound(row: LedgerRow): void {
    const path = join(this.dir, RESULT_FILES.ledger);
    const length = existsSync(path) ? statSync(path).size : 0;
    try {
      appendFileSync(path, `${JSON.stringify(row)}\n`);
    } catch (error) {
      // A full disk can take part of the line: cut it off, so the ledger still parses and resumes.
      try {
        truncateSync(path, length);
      } catch {
        // The ledger is unreadable or read-only: the append's own error says why.
      }
      throw explainWriteFailure(error, path);
    }
  }

  /** Writes the summary that marks the run finished. */
  writeSummary(summary: RunSummary): void {
    writeJsonAtomic(join(this.dir, RESULT_FILES.summary), summary);
  }

  /** Where the run's PEFT adapter goes. */
  get adapterDir(): string {
    return join(this.dir, RESULT_FILES.adapter);
  }
}
