import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
 */
export class ProjectionLog {
  readonly path: string;

  constructor(folder: string, fileName: string) {
    this.path = join(folder, fileName);
  }

  write(record: ProjectionRecord): void {
    const line = `${JSON.stringify(record)}\n`;
    if (record.round === 0) {
      mkdirSync(dirname(this.path), { recursive: true });
      writeFileSync(this.path, line);
    } else {
      appendFileSync(this.path, line);
    }
  }
}

/** Reads a projection log back, one record per round. */
export function parseProjectionLog(text: string): ProjectionRecord[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ProjectionRecord);
}
