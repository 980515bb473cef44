import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '@fedtune/core';
import { generateClientTokens, writeTokensFile } from '@fedtune/network';
import type { CliIo } from '../io.js';

/** Options of `fedtune tokens`, as commander parses them. */
export interface TokensCommandOptions {
  clients: number;
  out: string;
  overwrite?: boolean;
}

/** Writes a fresh tokens file, refusing to replace one unless `--overwrite`. */
export function tokensCommand(options: TokensCommandOptions, io: CliIo): void {
  const out = resolve(options.out);
  if (existsSync(out)) {
    if (statSync(out).isDirectory()) {
      throw new ConfigError(`--out ${options.out} is a folder; give a file path, such as ${join(options.out, 'tokens.json')}`);
    }
    // Replacing a tokens file locks out every client still holding a secret from it.
    if (options.overwrite !== true) {
      throw new ConfigError(
        `${options.out} already exists; pass --overwrite to replace it (every client then needs its new secret), or choose another --out`,
      );
    }
  }
  mkdirSync(dirname(out), { recursive: true });
  writeTokensFile(out, generateClientTokens(options.clients));
  const count = options.clients === 1 ? '1 client token' : `${options.clients} client tokens`;
  io.stdout.write(`wrote ${count} to ${options.out} (readable by you only); give each client its own secret alone\n`);
}
