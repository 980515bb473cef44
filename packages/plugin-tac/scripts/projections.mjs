#!/usr/bin/env node
// Draws the README's PCA plots (docs/projection-*.svg) from the projection logs the tac aggregators
// wrote under <results>/projections/, and prints how many distinct adapters the server held after
// the last round of each logged run. Accuracy, per-task accuracy and clustering come from
// `fedtune compare` / `fedtune report`; this script reads only what TAC itself logs.
//
//   node packages/plugin-tac/scripts/projections.mjs results/tac
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { matchClustersToTasks, parseProjectionLog, trueClientTasks } from '@fedtune/plugin-tac';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = process.argv[2];
const projectionsDir = resultsDir === undefined ? '' : join(resultsDir, 'projections');
if (resultsDir === undefined || !existsSync(projectionsDir)) {
  console.error('usage: projections.mjs <results folder written by examples/tac/run-all.sh, holding projections/>');
  process.exit(2);
}

/** The plots: a projection folder, the experiment whose seed-1 run logged it, and a title. */
const PLOTS = [
  { folder: 'benchmark', experiment: 'benchmark', file: 'projection-benchmark.svg', title: 'Adapter slots by PCA, quantity-skewed split (seed 1)' },
  { folder: 'label-skew', experiment: 'label-skew', file: 'projection-label-skew.svg', title: 'Adapter slots by PCA, label-skewed split (seed 1)' },
  { folder: 'epochs', experiment: 'epochs', file: 'projection-epochs.svg', title: 'Adapter slots by PCA, quantity-skewed split, one local epoch (seed 1)' },
];
const SEED = 1;

/** Each `tac-seed-<n>.jsonl` of one projection folder, by seed. */
function logsOf(folder) {
  const dir = join(projectionsDir, folder);
  return readdirSync(dir)
    .map((name) => ({ name, seed: /^tac-seed-(\d+)\.jsonl$/.exec(name)?.[1] }))
    .filter((entry) => entry.seed !== undefined)
    .map((entry) => ({ seed: Number(entry.seed), log: parseProjectionLog(readFileSync(join(dir, entry.name), 'utf8')) }))
    .sort((a, b) => a.seed - b.seed);
}

/** The adapters of chosen rounds projected to 2-D, coloured by true task, misclustered ones marked. */
function projectionSpec(log, data, title) {
  const { numClients, tasks, tasksPerClient } = data;
  const truth = trueClientTasks(SEED, numClients, tasks.length, tasksPerClient);
  const last = log.length - 1;
  const shown = [...new Set([0, 1, 2, Math.floor(last / 2), last])].filter((round) => round <= last);
  const values = shown.flatMap((round) => {
    const record = log[round];
    const trueTasks = record.slots.map((slot) => truth[slot.clientId][slot.slot]);
    const match = matchClustersToTasks(record.slots.map((slot) => slot.cluster), trueTasks);
    return record.slots.map((slot, i) => ({
      round: `round ${round + 1} (PC1 ${(100 * record.explainedVariance[0]).toFixed(0)}%, PC2 ${(100 * record.explainedVariance[1]).toFixed(0)}%)`,
      order: round,
      task: tasks[trueTasks[i]].name,
      clustered: match[slot.cluster] === trueTasks[i] ? 'with its task' : 'with another task',
      x: slot.x,
      y: slot.y,
    }));
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    config: { font: 'sans-serif' },
    title,
    data: { values },
    facet: { field: 'round', type: 'nominal', sort: { field: 'order' }, title: null },
    columns: shown.length,
    spec: {
      width: 120,
      height: 120,
      mark: { type: 'point', filled: true, size: 60, opacity: 0.85 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'PC1', axis: { labels: false, ticks: false } },
        y: { field: 'y', type: 'quantitative', title: 'PC2', axis: { labels: false, ticks: false } },
        color: { field: 'task', type: 'nominal', title: 'true task', sort: tasks.map((task) => task.name) },
        shape: { field: 'clustered', type: 'nominal', title: 'server put it', scale: { domain: ['with its task', 'with another task'], range: ['circle', 'cross'] } },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}

async function svg(spec) {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

console.log('| projection log | seeds | adapters at the end |');
console.log('| --- | --- | ---: |');
for (const folder of readdirSync(projectionsDir).sort()) {
  const logs = logsOf(folder);
  if (logs.length === 0) continue;
  // Distinct clusters of the last round: the adapters the server hands out.
  const held = logs.map(({ log }) => new Set(log.at(-1).slots.map((slot) => slot.cluster)).size);
  const mean = held.reduce((a, b) => a + b, 0) / held.length;
  console.log(`| ${folder} | ${logs.map(({ seed }) => seed).join(', ')} | ${mean.toFixed(1)} |`);
}

for (const { folder, experiment, file, title } of PLOTS) {
  const log = existsSync(join(projectionsDir, folder)) ? logsOf(folder).find(({ seed }) => seed === SEED)?.log : undefined;
  const experimentFile = join(resultsDir, experiment, `seed-${SEED}`, 'experiment.json');
  if (log === undefined || !existsSync(experimentFile)) continue;
  const { data } = JSON.parse(readFileSync(experimentFile, 'utf8'));
  writeFileSync(join(packageDir, 'docs', file), await svg(projectionSpec(log, data, title)));
  console.error(`wrote docs/${file}`);
}
