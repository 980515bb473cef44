import type { RoundEvent } from '@fedtune/core';

/** Shows the progress of an experiment's runs; the engine's callbacks feed it. */
export interface RunProgress {
  start(label: string, rounds: number): void;
  round(event: RoundEvent): void;
  /** An engine message (a rejected update, a fallback), shown without breaking the bars. */
  log(line: string): void;
  /** Ends the display, also when a run failed part-way: no bar goes on drawing, the cursor is restored. */
  stop(): void;
}
