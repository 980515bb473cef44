import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@fedtune/core/light';
import { displayPath } from '../displayPath.js';
import type { CliIo } from '../io.js';

/** Options of `fedtune init experiment`, as commander parses them. */
export interface InitExperimentOptions {
  from: string;
  overwrite?: boolean;
}

/** The experiment templates shipped with the CLI: copies of the repository's examples. */
const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/experiments/', import.meta.url));

const SCHEMA_IN_CORE = join('@fedtune', 'core', 'experiment.schema.json');

/** The names `--from` accepts. */
export function experimentTemplateNames(): string[] {
  return readdirSync(TEMPLATES_DIR)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
}

/**
 * Writes an experiment file from a template, its `$schema` pointing at the experiment schema of the
 * @fedtune/core installed nearest the file, so editors check and complete it.
 * @throws ConfigError for an unknown template, or a file that exists (unless `overwrite`) or is a folder.
 */
export function initExperimentCommand(file: string, options: InitExperimentOptions, io: CliIo): void {
  const names = experimentTemplateNames();
  if (!names.includes(options.from)) {
    throw new ConfigError(`--from ${options.from} is not an experiment template; choose one of: ${names.join(', ')}`);
  }
  const path = resolve(file);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) {
      throw new ConfigError(`${file} is a folder; give a file path, such as ${join(file, 'experiment.json')}`);
    }
    if (options.overwrite !== true) {
      throw new ConfigError(`${file} already exists; pass --overwrite to replace it, or give another file name`);
    }
  }
  const { schemaPath, installed } = schemaFor(dirname(path));
  const template = readFileSync(join(TEMPLATES_DIR, `${options.from}.json`), 'utf8');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, withSchema(template, schemaPath));
  io.stdout.write(`wrote ${displayPath(path)} from the ${options.from} template; check it with: fedtune run ${displayPath(path)} --dry-run\n`);
  if (!installed) {
    io.stdout.write(
      `note: @fedtune/core is not installed in ${displayPath(dirname(path))} or a folder above it, so "$schema" points at the copy ` +
        `inside this fedtune installation; run \`npm install --save-dev @fedtune/core\` there and rerun with --overwrite for a path that moves with the project\n`,
    );
  }
}

/**
 * The schema path relative to `dir` (with `/`, as JSON files are shared between systems): the copy in
 * the nearest `node_modules` above `dir`, as Node would resolve `@fedtune/core` from there, or else
 * the one this CLI itself uses.
 */
function schemaFor(dir: string): { schemaPath: string; installed: boolean } {
  // Walked by hand rather than require.resolve, which would follow a linked package to its real folder.
  for (let folder = dir; ; folder = dirname(folder)) {
    const candidate = join(folder, 'node_modules', SCHEMA_IN_CORE);
    if (existsSync(candidate)) return { schemaPath: relativeUrl(dir, candidate), installed: true };
    if (dirname(folder) === folder) break;
  }
  const own = createRequire(import.meta.url).resolve('@fedtune/core/experiment.schema.json');
  return { schemaPath: relativeUrl(dir, own), installed: false };
}

function relativeUrl(from: string, to: string): string {
  return relative(from, to).split(sep).join('/');
}

/** `template` with its `$schema` value replaced, keeping the template's own layout. */
function withSchema(template: string, schemaPath: string): string {
  const schemaLine = /^(\s*"\$schema":\s*)"[^"]*"/m;
  if (!schemaLine.test(template)) throw new Error('an experiment template has no "$schema" line');
  return template.replace(schemaLine, (_line, key: string) => `${key}${JSON.stringify(schemaPath)}`);
}
