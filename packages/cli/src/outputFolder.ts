import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutputPath, ConfigError, ResultsFolderClaim, type ResultsFolderIntent, slugify } from '@fedtune/core';
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

/**
 * Checks, before training, that a model can be saved to `path` (`--out` of `fedtune pretrain`):
 * a saved base is what earlier results were fine-tuned from, so an existing file stays unless
 * `overwrite`, and a path that cannot be written fails now rather than after the training.
 * @returns the path, absolute.
 * @throws ConfigError naming the path and the fix.
 */
export function checkModelOut(path: string, overwrite: boolean | undefined): string {
  const out = checkOutputPath(path, 'file', '--out');
  if (existsSync(out) && overwrite !== true) {
    throw new ConfigError(`${out} already exists; pass --overwrite to replace it, or choose another --out`);
  }
  return out;
}
