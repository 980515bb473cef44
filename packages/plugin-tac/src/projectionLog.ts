import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** One adapter slot's place in a round's 2-D projection. */
export interface ProjectedSlot {
  clientId: number;
  slot: number;
  /** The cluster the server put it in this round. */
  cluster: number;
  x: number;
  y: number;
}

/** One line of a projection log: every adapter the server received in a round, projected by PCA. */
export interface ProjectionRecord {
  round: number;
  explainedVariance: [number, number];
  slots: ProjectedSlot[];
}

/**
 * Writes one JSON line per round to `<folder>/<fileName>`; round 0 starts the file afresh, so a
 * re-run replaces the log of an earlier one.
 *
 * No Node builtin runs before the first write, not even path resolution: every client of a run
 * builds the aggregator too, and a client in a browser has no file system (only the server
 * aggregates). A run resumed past round 0 appends, creating the folder if it is gone.
 */
export class ProjectionLog {
  private resolvedPath: string | undefined;

  constructor(
    private readonly folder: string,
    private readonly fileName: string,
  ) {}

  /** The log file, `folder` resolved against the working directory when first asked for (then kept). */
  get path(): string {
    return (this.resolvedPath ??= resolve(this.folder, this.fileName));
  }

  write(record: ProjectionRecord): void {
    const line = `${JSON.stringify(record)}\n`;
    mkdirSync(dirname(this.path), { recursive: true });
    if (record.round === 0) writeFileSync(this.path, line);
    else appendFileSync(this.path, line);
  }
}

/** Reads a projection log back, one record per round. */
export function parseProjectionLog(text: string): ProjectionRecord[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ProjectionRecord);
}
