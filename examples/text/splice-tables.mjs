#!/usr/bin/env node
// Summarises each text experiment's results (results/text/<experiment>/, every seed) as a table
// named by the runs' own labels, writes it to docs/text/<experiment>.md, and copies it into
// examples/text/README.md between <!-- table:<experiment> --> and <!-- /table:<experiment> -->.
//
//   node examples/text/splice-tables.mjs aquila safari tac rmlora next-byte
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverRuns, summariseRuns, summaryMarkdown, summaryTable } from '@fedtune/report';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const readmePath = join(root, 'examples/text/README.md');
let readme = readFileSync(readmePath, 'utf8');
for (const experiment of process.argv.slice(2)) {
  const { runs } = discoverRuns([join(root, 'results/text', experiment)]);
  // Named by the experiment files' labels, which read better here than what differs between runs.
  const table = summaryMarkdown(summaryTable(summariseRuns(runs, { labels: 'experiment' }))).trim();
  writeFileSync(join(root, 'docs/text', `${experiment}.md`), `${table}\n`);
  const open = `<!-- table:${experiment} -->`;
  const close = `<!-- /table:${experiment} -->`;
  const start = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (start < 0 || end < start) throw new Error(`examples/text/README.md has no ${open} … ${close} section`);
  readme = `${readme.slice(0, start + open.length)}\n${table}\n${readme.slice(end)}`;
}
writeFileSync(readmePath, readme);
