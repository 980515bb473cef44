import { join } from 'node:path';
import { ResultsFolderClaim, type ResultsFolderIntent, slugify } from '@fedtune/core';
import type { CliIo } from './io.js';

/** `results/<name>-<YYYYMMDD-HHMMSS>` (local time), so runs never land in each other's folders. */
export function defaultOutDir(experimentName: string, now: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  const date = `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}`;
  const time = `${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
  return join('results', `${slugify(experimentName)}-${date}-${time}`);
}

/**
 * Claims `dir` for a run (see {@link ResultsFolderClaim}): checked and locked before any plugin or
 * data loads, so a bad `--out` fails at once and no other run writes into the folder meanwhile.
 * The note of a stale lock taken over goes to stdout.
 */
export function claimOutDir(dir: string, intent: ResultsFolderIntent, io: CliIo): ResultsFolderClaim {
  return ResultsFolderClaim.take(dir, { ...intent, log: (line) => io.stdout.write(`${line}\n`) });
}
