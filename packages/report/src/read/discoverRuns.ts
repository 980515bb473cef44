import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RUN_FILES } from './fileNames.js';
import { readRun } from './readRun.js';
import type { RunRecord, SkippedRun } from './types.js';

/** Every run found under the given folders, and the folders that could not be read. */
export interface DiscoveredRuns {
  runs: RunRecord[];
  skipped: SkippedRun[];
}

/**
 * Finds the runs in `dirs`, in the order given. A results folder contributes its own run and then
 * each run under its `compare/` folder (by folder name); a folder that is neither, such as a
 * `results/` folder, contributes the results folders directly inside it. A folder listed twice is
 * read once.
 */
export function discoverRuns(dirs: readonly string[]): DiscoveredRuns {
  const found: DiscoveredRuns = { runs: [], skipped: [] };
  const seen = new Set<string>();
  const read = (dir: string) => {
    const key = resolve(dir);
    if (seen.has(key)) return;
    seen.add(key);
    const result = readRun(dir);
    if (result.ok) found.runs.push(result.run);
    else found.skipped.push(result.skipped);
  };
  const readWithComparisons = (dir: string) => {
    if (holdsRun(dir)) read(dir);
    for (const name of subfolders(join(dir, RUN_FILES.compare))) read(join(dir, RUN_FILES.compare, name));
  };
  for (const dir of dirs) {
    if (isResultsFolder(dir)) {
      readWithComparisons(dir);
      continue;
    }
    const nested = subfolders(dir)
      .map((name) => join(dir, name))
      .filter(isResultsFolder);
    // Reading a folder with no results in it gives the precise reason (missing, not a folder, …).
    if (nested.length === 0) read(dir);
    nested.forEach(readWithComparisons);
  }
  return found;
}

function isResultsFolder(dir: string): boolean {
  return holdsRun(dir) || subfolders(join(dir, RUN_FILES.compare)).length > 0;
}

/** A run's folder holds an experiment or a ledger, even when the run stopped early. */
function holdsRun(dir: string): boolean {
  return existsSync(join(dir, RUN_FILES.experiment)) || existsSync(join(dir, RUN_FILES.ledger));
}

function subfolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}
