#!/usr/bin/env node
// The majority-class baseline of each text experiment: the test accuracy of always predicting the
// class most frequent in the clients' training data (for next-byte windows, the most frequent next
// byte). The federation is built by core's own `prepareFederation`, so the training rows and the
// test subset are the ones each seed's runs use; multi-task experiments get one baseline per task
// and their mean, which is what a run's `accuracy` averages. Prints a table, writes it to
// docs/text/majority-baselines.md, and merges each experiment's figures into
// docs/text/majority-baselines.json, from which majority-line.mjs writes the line under each README table.
//
//   node examples/text/majority-baselines.mjs [--seeds "1 2 3"] [experiment ...]
//
// Without experiments, every examples/text/*.json; without --seeds, seeds 1, 2 and 3 (run-all.sh's).
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareFederation, readExperimentFile } from '@fedtune/core';
import { seedSpread } from './seed-spread.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const examples = join(root, 'examples/text');
const outJson = join(root, 'docs/text/majority-baselines.json');
const outMarkdown = join(root, 'docs/text/majority-baselines.md');

function parseArguments(args) {
  let seeds = [1, 2, 3];
  const experiments = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== '--seeds') {
      experiments.push(args[i]);
      continue;
    }
    const list = args[++i];
    seeds = (list ?? '').split(/[\s,]+/).filter(Boolean).map(Number);
    if (seeds.length === 0 || !seeds.every((seed) => Number.isSafeInteger(seed) && seed >= 0)) {
      throw new Error(`--seeds "${list ?? ''}" is not a list of seeds; give non-negative integers, e.g. --seeds "1 2 3".`);
    }
  }
  if (experiments.length === 0) {
    experiments.push(...readdirSync(examples).filter((file) => file.endsWith('.json')).map((file) => basename(file, '.json')).sort());
  }
  for (const experiment of experiments) {
    if (!existsSync(join(examples, `${experiment}.json`))) {
      throw new Error(`examples/text/${experiment}.json does not exist; name an experiment file of examples/text without ".json".`);
    }
  }
  return { seeds, experiments };
}

/** A class as the README names it: a topic or language, or a next byte as a quoted character. */
function className(test, label) {
  if (test.classNames !== undefined) return test.classNames[label];
  return label >= 32 && label < 127 ? JSON.stringify(String.fromCharCode(label)) : `byte ${label}`;
}

/** The most frequent label of the task's training rows over every client (ties: the lower label). */
function majorityClass(federation, task) {
  const counts = new Float64Array(federation.tasks[task].numClasses);
  for (const [key, indices] of federation.shares) {
    if (Number(key.split('/')[1]) !== task) continue;
    for (const index of indices) counts[federation.pool.labels[index]]++;
  }
  let best = 0;
  for (let label = 1; label < counts.length; label++) if (counts[label] > counts[best]) best = label;
  const trainCount = counts.reduce((a, b) => a + b, 0);
  return { label: best, trainCount, trainShare: counts[best] / trainCount };
}

function testAccuracy({ test, testIndices }, label) {
  const indices = testIndices ?? Uint32Array.from({ length: test.count }, (_, i) => i);
  let hits = 0;
  for (const index of indices) if (test.labels[index] === label) hits++;
  return { accuracy: hits / indices.length, testCount: indices.length };
}

async function seedBaseline({ experiment, dir }, seed) {
  const federation = await prepareFederation({ ...experiment, seed }, dir);
  try {
    const tasks = federation.tasks.map((task, t) => {
      const { label, trainCount, trainShare } = majorityClass(federation, t);
      return { task: task.spec.name, majorityClass: className(task.test, label), trainCount, trainShare, ...testAccuracy(task, label) };
    });
    return { seed, accuracy: tasks.reduce((sum, task) => sum + task.accuracy, 0) / tasks.length, tasks };
  } finally {
    federation.base.dispose();
  }
}

/** The classes the seeds chose, once each. */
const classes = (names) => [...new Set(names)].join(' / ');

function markdownTable(results) {
  const lines = [
    '| experiment | task | majority class | train share | test examples | seeds | majority-class test acc |',
    '| --- | --- | --- | ---: | ---: | --- | ---: |',
  ];
  for (const [experiment, { seeds }] of Object.entries(results)) {
    const taskNames = seeds[0].tasks.map((task) => task.task);
    taskNames.forEach((name, t) => {
      const perSeed = seeds.map((s) => s.tasks[t]);
      lines.push(
        `| ${experiment} | ${name} | ${classes(perSeed.map((task) => task.majorityClass))} | ${seedSpread(perSeed.map((task) => task.trainShare))} | ` +
          `${classes(perSeed.map((task) => task.testCount))} | ${seeds.map((s) => s.seed).join(', ')} | ${seedSpread(perSeed.map((task) => task.accuracy))} |`,
      );
    });
    if (taskNames.length > 1) {
      lines.push(`| ${experiment} | mean of tasks |  |  |  | ${seeds.map((s) => s.seed).join(', ')} | ${seedSpread(seeds.map((s) => s.accuracy))} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const { seeds, experiments } = parseArguments(process.argv.slice(2));
const results = existsSync(outJson) ? JSON.parse(readFileSync(outJson, 'utf8')) : {};
for (const experiment of experiments) {
  const file = await readExperimentFile(join(examples, `${experiment}.json`));
  const perSeed = [];
  // One federation at a time: each holds the corpus and the base.
  for (const seed of seeds) perSeed.push(await seedBaseline(file, seed));
  const { dataset, trainLimit, testLimit } = file.experiment.data;
  // What decides the test set and the training labels, for majority-line.mjs to check against the runs.
  results[experiment] = { data: { dataset, trainLimit, testLimit }, seeds: perSeed };
}
const sorted = Object.fromEntries(Object.entries(results).sort(([a], [b]) => a.localeCompare(b)));
const table = markdownTable(sorted);
mkdirSync(dirname(outJson), { recursive: true });
writeFileSync(outJson, `${JSON.stringify(sorted, null, 2)}\n`);
writeFileSync(outMarkdown, table);
process.stdout.write(table);
