#!/usr/bin/env node
// Summarises each text experiment's results (results/text/<experiment>/, every seed) as a table
// named by the runs' own labels, adds a line naming the majority-class baseline of the same test
// set (from docs/text/majority-baselines.json, written by majority-baselines.mjs), writes both to
// docs/text/<experiment>.md, and copies them into examples/text/README.md between
// <!-- table:<experiment> --> and <!-- /table:<experiment> -->.
//
//   node examples/text/splice-tables.mjs aquila safari tac rmlora next-byte
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverRuns, summariseRuns, summaryMarkdown, summaryTable } from '@fedtune/report';
import { sameInEverySeed, seedSpread } from './seed-spread.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const readmePath = join(root, 'examples/text/README.md');
const baselinesPath = join(root, 'docs/text/majority-baselines.json');
const baselines = existsSync(baselinesPath) ? JSON.parse(readFileSync(baselinesPath, 'utf8')) : {};

const quoted = (names) => [...new Set(names)].map((name) => (name.startsWith('"') ? name : `"${name}"`)).join(' or ');

/**
 * The line under an experiment's table. The data fields that decide the test set and the training
 * labels must match the runs', and every run's seed must have a baseline, or the line would name
 * another test set's baseline.
 */
function baselineLine(experiment, runs) {
  const runSeeds = [...new Set(runs.map((run) => run.experiment.seed))].sort((a, b) => a - b);
  const fix = `run "node examples/text/majority-baselines.mjs --seeds '${runSeeds.join(' ')}' ${experiment}" first`;
  const entry = baselines[experiment];
  if (entry === undefined) throw new Error(`docs/text/majority-baselines.json has no baseline for ${experiment}; ${fix}.`);
  const seeds = runSeeds.map((seed) => {
    const found = entry.seeds.find((s) => s.seed === seed);
    if (found === undefined) throw new Error(`docs/text/majority-baselines.json has no seed ${seed} for ${experiment}; ${fix}.`);
    return found;
  });
  for (const field of ['dataset', 'trainLimit', 'testLimit']) {
    const differing = runs.find((run) => run.experiment.data?.[field] !== entry.data?.[field]);
    if (differing !== undefined) {
      throw new Error(
        `the majority baseline of ${experiment} was measured with data.${field} ${entry.data?.[field]}, the run in ${differing.dir} used ${differing.experiment.data?.[field]}; ${fix}.`,
      );
    }
  }
  const tasks = seeds[0].tasks.map((task, t) => ({
    name: task.task,
    classes: quoted(seeds.map((s) => s.tasks[t].majorityClass)),
    accuracies: seeds.map((s) => s.tasks[t].accuracy),
  }));
  const seedNote = tasks.every((task) => sameInEverySeed(task.accuracies))
    ? 'the same in every seed'
    : `mean ± std over seeds ${runSeeds.join(', ')}`;
  const source = '`majority-baselines.mjs`';
  if (tasks.length === 1) {
    const [task] = tasks;
    return `Majority-class baseline on this test set, always predicting the training data's most frequent class (${task.classes}): ${seedSpread(task.accuracies)} (${seedNote}; ${source}).`;
  }
  const perTask = tasks.map((task) => `${task.name} ${seedSpread(task.accuracies)} (always ${task.classes})`).join(', ');
  return `Majority-class baseline on these test sets, always predicting each task's most frequent training class: ${seedSpread(seeds.map((s) => s.accuracy))} as the mean of the tasks, like "final acc"; ${perTask} (${seedNote}; ${source}).`;
}

let readme = readFileSync(readmePath, 'utf8');
for (const experiment of process.argv.slice(2)) {
  const { runs } = discoverRuns([join(root, 'results/text', experiment)]);
  // Named by the experiment files' labels, which read better here than what differs between runs.
  const table = summaryMarkdown(summaryTable(summariseRuns(runs, { labels: 'experiment' }))).trim();
  const section = `${table}\n\n${baselineLine(experiment, runs)}`;
  writeFileSync(join(root, 'docs/text', `${experiment}.md`), `${section}\n`);
  const open = `<!-- table:${experiment} -->`;
  const close = `<!-- /table:${experiment} -->`;
  const start = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (start < 0 || end < start) throw new Error(`examples/text/README.md has no ${open} … ${close} section`);
  readme = `${readme.slice(0, start + open.length)}\n${section}\n${readme.slice(end)}`;
}
writeFileSync(readmePath, readme);
