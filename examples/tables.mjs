#!/usr/bin/env node
// Regenerates every marked table of the examples' and plugins' READMEs and docs from the results
// folders already on disk; it never trains. A marked table names the command that prints it:
//
//   <!-- fedtune:table fedtune compare results/text/aquila --labels experiment --format markdown -->
//   …what the command printed…
//   <!-- /fedtune:table -->
//
// The command is `fedtune …` (this checkout's CLI) or `node examples/….mjs …`, run from the
// repository root; its words split at spaces, "double quotes" keep one together. A table whose
// `results/…` folders are absent is left as it is and named, so a checkout without the long
// experiments' results keeps the committed tables.
//
//   npm run examples:tables        # builds the CLI, then this
//   node examples/tables.mjs       # when the CLI is built already
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markedTables, replaceMarkedTables } from '@fedtune/report';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages/cli/dist/main.js');

/** The Markdown files that may hold marked tables: the examples' READMEs, the plugins' READMEs and docs. */
function documents() {
  const inside = (folder, keep) =>
    existsSync(join(root, folder))
      ? readdirSync(join(root, folder))
          .filter(keep)
          .map((name) => join(folder, name))
      : [];
  const folders = [...inside('examples', () => true), ...inside('packages', (name) => name.startsWith('plugin-'))];
  return [
    ...folders.map((folder) => join(folder, 'README.md')),
    ...folders.flatMap((folder) => inside(join(folder, 'docs'), (name) => name.endsWith('.md'))),
  ].filter((file) => existsSync(join(root, file)));
}

/** The words of a marker's command: split at spaces, with "double-quoted" words kept whole. */
function words(command) {
  return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]);
}

/** The program and arguments that print the table, refusing any command but `fedtune` and `node examples/…`. */
function invocation(command, where) {
  const [program, ...args] = words(command);
  if (program === 'fedtune') {
    if (!existsSync(cli))
      throw new Error(`${where}: ${relative(root, cli)} is missing; build the CLI (npm run examples:tables does).`);
    return [process.execPath, [cli, ...args]];
  }
  if (program === 'node' && args[0]?.startsWith('examples/')) return [process.execPath, args];
  throw new Error(
    `${where}: "${command}" is neither a fedtune command nor "node examples/…"; a marked table names the command that prints it.`,
  );
}

let updated = 0;
const leftAsIs = [];
for (const file of documents()) {
  const text = readFileSync(join(root, file), 'utf8');
  let tables;
  try {
    tables = markedTables(text);
  } catch (error) {
    throw new Error(`${file}, ${error.message}`);
  }
  if (tables.length === 0) continue;
  const next = replaceMarkedTables(text, (command) => {
    const where = `${file}, table "${command}"`;
    const missing = words(command).filter((word) => word.startsWith('results/') && !existsSync(join(root, word)));
    if (missing.length > 0) {
      leftAsIs.push(`${where}: ${missing.join(', ')} absent`);
      return undefined;
    }
    const [program, args] = invocation(command, where);
    try {
      return execFileSync(program, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      throw new Error(`${where} failed: ${error.stderr?.trim() || error.message}`);
    }
  });
  if (next !== text) {
    writeFileSync(join(root, file), next);
    updated++;
  }
  console.log(`${file}: ${tables.length} marked table${tables.length === 1 ? '' : 's'}`);
}
console.log(`${updated} file${updated === 1 ? '' : 's'} changed`);
if (leftAsIs.length > 0) {
  console.log("left as they are (run the example's run-all.sh to make the results):");
  for (const line of leftAsIs) console.log(`  ${line}`);
}
