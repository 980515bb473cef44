import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, slugify } from '@fedtune/core';

/** `results/<name>-<YYYYMMDD-HHMMSS>` (local time), so runs never land in each other's folders. */
export function defaultOutDir(experimentName: string, now: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  const date = `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}`;
  const time = `${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
  return join('results', `${slugify(experimentName)}-${date}-${time}`);
}

/**
 * Refuses an output folder that already holds files unless `overwrite`: saved results are never
 * replaced silently.
 */
export function assertOutDirUsable(dir: string, overwrite: boolean): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) {
    throw new ConfigError(`--out ${dir} is a file, not a folder; choose another --out`);
  }
  if (!overwrite && readdirSync(dir).length > 0) {
    throw new ConfigError(
      `results folder ${dir} is not empty; pass --overwrite to write into it, or choose another --out`,
    );
  }
}
