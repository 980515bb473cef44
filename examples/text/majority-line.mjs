#!/usr/bin/env node
// The line under a text experiment's README table: the majority-class baseline of the same test set
// (from docs/text/majority-baselines.json, which majority-baselines.mjs writes), checked against the
// runs in the results folder given so that it never names another test set's baseline.
// `npm run examples:tables` runs it for each table's marked line.
//
//   node examples/text/majority-line.mjs results/text/aquila
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverRuns } from '@fedtune/report';
import { sameInEverySeed, seedSpread } from './seed-spread.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
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
  if (entry === undefined)
    throw new Error(`docs/text/majority-baselines.json has no baseline for ${experiment}; ${fix}.`);
  const seeds = runSeeds.map((seed) => {
    const found = entry.seeds.find((s) => s.seed === seed);
    if (found === undefined)
      throw new Error(`docs/text/majority-baselines.json has no seed ${seed} for ${experiment}; ${fix}.`);
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
    return `Majority-class baseline on this test set, always predicting the training data's most frequent class (${
      task.classes
    }): ${seedSpread(task.accuracies)} (${seedNote}; ${source}).`;
  }
  const perTask = tasks
    .map((task) => `${task.name} ${seedSpread(task.accuracies)} (always ${task.classes})`)
    .join(', ');
  return `Majority-class baseline on these test sets, always predicting each task's most frequent training class: ${seedSpread(
    seeds.map((s) => s.accuracy),
  )} as the mean of the tasks, like "final acc"; ${perTask} (${seedNote}; ${source}).`;
}

const [results] = process.argv.slice(2);
if (results === undefined) {
  console.error(
    'usage: majority-line.mjs results/text/<experiment>, the results of an experiment file of examples/text',
  );
  process.exit(2);
}
// The folder is named after its experiment file, as run-all.sh writes it.
const experiment = basename(results);
const { runs } = discoverRuns([resolve(root, results)]);
if (runs.length === 0) throw new Error(`${results} holds no runs; run examples/text/run-all.sh first.`);
console.log(baselineLine(experiment, runs));
