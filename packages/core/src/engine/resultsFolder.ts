import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError, ConfigError } from '../errors.js';
import { writeFileAtomicSync } from '../io/atomicWrite.js';
import type { LedgerRow, RunSummary } from './ledger.js';

/** File names inside a results folder. */
export const RESULT_FILES = {
  experiment: 'experiment.json',
  ledger: 'ledger.jsonl',
  summary: 'summary.json',
  adapter: 'adapter',
} as const;

/** Writes a JSON file atomically: a reader sees the old file or the new one, never half of one. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomicSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A run's results folder. Every finished round is appended to the ledger as one complete line, so
 * a run stopped half-way leaves each finished round readable.
 */
export class ResultsFolder {
  private constructor(readonly dir: string) {}

  /** Creates the folder; refuses one that already holds a ledger unless `overwrite`. */
  static create(dir: string, overwrite: boolean): ResultsFolder {
    mkdirSync(dir, { recursive: true });
    const existing = readdirSync(dir).filter((name) => name === RESULT_FILES.ledger || name === RESULT_FILES.summary);
    if (existing.length > 0 && !overwrite) {
      throw new ConfigError(`results folder ${dir} already holds a run; choose another --out or pass --overwrite`);
    }
    // An overwritten run must not leave the previous run's summary beside a new, shorter ledger.
    rmSync(join(dir, RESULT_FILES.summary), { force: true });
    writeFileSync(join(dir, RESULT_FILES.ledger), '');
    return new ResultsFolder(dir);
  }

  /**
   * Reopens a stopped run's folder to go on from round `keepRounds`: the ledger keeps its first
   * `keepRounds` rows (rounds after the checkpoint are run again) and they are returned.
   */
  static reopen(dir: string, keepRounds: number): { folder: ResultsFolder; rows: LedgerRow[] } {
    const path = join(dir, RESULT_FILES.ledger);
    const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((line) => line !== '') : [];
    if (lines.length < keepRounds) {
      throw new CheckpointError(
        `${path} has ${lines.length} rounds but the checkpoint is after round ${keepRounds}; the folder was changed, start the run again without --resume.`
      );
    }
    const kept = lines.slice(0, keepRounds);
    const rows = kept.map((line) => JSON.parse(line) as LedgerRow);
    writeFileAtomicSync(path, kept.map((line) => `${line}\n`).join(''));
    return { folder: new ResultsFolder(dir), rows };
  }

  /** The summary of a finished run in `dir`, or `undefined` when it has none. */
  static finishedSummary(dir: string): RunSummary | undefined {
    const path = join(dir, RESULT_FILES.summary);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RunSummary) : undefined;
  }

  writeExperiment(resolved: unknown): void {
    writeJsonAtomic(join(this.dir, RESULT_FILES.experiment), resolved);
  }

  appendRound(row: LedgerRow): void {
    appendFileSync(join(this.dir, RESULT_FILES.ledger), `${JSON.stringify(row)}\n`);
  }

  writeSummary(summary: RunSummary): void {
    writeJsonAtomic(join(this.dir, RESULT_FILES.summary), summary);
  }

  get adapterDir(): string {
    return join(this.dir, RESULT_FILES.adapter);
  }
}
