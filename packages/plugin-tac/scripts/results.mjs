#!/usr/bin/env node
// Summarises the TAC experiments that examples/tac/run-all.sh wrote: the package README's result
// tables (between the `results:*` markers) and the plots under docs/.
// Usage: node scripts/results.mjs <results/tac>
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { matchClustersToTasks, parseProjectionLog, trueClientTasks } from '@fedtune/plugin-tac';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = process.argv[2];
if (resultsDir === undefined || !existsSync(resultsDir)) {
  console.error('usage: node scripts/results.mjs <results folder written by examples/tac/run-all.sh>');
  process.exit(2);
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const readLedger = (dir) =>
  readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

/** Every run of one experiment folder: { experiment, seed, label, summary, ledger }. */
function readExperiment(name) {
  const dir = join(resultsDir, name);
  const runs = [];
  for (const seedDir of existsSync(dir) ? readdirSync(dir).filter((entry) => entry.startsWith('seed-')) : []) {
    const main = join(dir, seedDir);
    const compareDir = join(main, 'compare');
    const folders = [main, ...(existsSync(compareDir) ? readdirSync(compareDir).map((entry) => join(compareDir, entry)) : [])];
    for (const folder of folders) {
      if (!existsSync(join(folder, 'summary.json'))) continue;
      const summary = readJson(join(folder, 'summary.json'));
      runs.push({ experiment: readJson(join(folder, 'experiment.json')), seed: summary.seed, label: summary.label, summary, ledger: readLedger(folder) });
    }
  }
  return runs.sort((a, b) => a.seed - b.seed);
}

/** The projection log a tac aggregator wrote for one seed, or undefined. */
function projections(folder, aggregator, seed) {
  const file = join(resultsDir, 'projections', folder, `${aggregator}-seed-${seed}.jsonl`);
  return existsSync(file) ? parseProjectionLog(readFileSync(file, 'utf8')) : undefined;
}

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
/** Sample standard deviation (n − 1); 0 for a single value. */
const std = (values) => (values.length < 2 ? 0 : Math.sqrt(values.reduce((s, v) => s + (v - mean(values)) ** 2, 0) / (values.length - 1)));
const percent = (values) => `${(100 * mean(values)).toFixed(1)} ± ${(100 * std(values)).toFixed(1)}`;
const count = (n) => Math.round(n).toLocaleString('en-US');

const benchmark = readExperiment('benchmark');
const centralized = readExperiment('centralized');
const labelSkew = readExperiment('label-skew');
const epochs = readExperiment('epochs');
const taskNames = (benchmark[0] ?? labelSkew[0])?.experiment.data.tasks.map((task) => task.name) ?? [];

/** Adapters the server holds at the end of a run: distinct arrays it hands out. */
const distinctClusters = (folder, aggregator) => (run) => {
  const log = projections(folder, aggregator, run.seed);
  return log === undefined ? NaN : new Set(log.at(-1).slots.map((slot) => slot.cluster)).size;
};
const everySlot = (run) => run.ledger.at(-1).uploaded;
const one = () => 1;

const BENCHMARK_METHODS = [
  { runs: benchmark, label: 'TAC (k-means, K=3)', adapters: distinctClusters('benchmark', 'tac') },
  { runs: benchmark, label: 'TAC (k-means, K by silhouette)', adapters: distinctClusters('benchmark-auto', 'tac') },
  { runs: benchmark, label: 'TAC oracle (true tasks)', adapters: (run) => run.experiment.data.tasks.length },
  { runs: benchmark, label: 'local only', adapters: everySlot },
  { runs: benchmark, label: 'FedIT r=4', adapters: one },
  { runs: benchmark, label: 'FedIT r=12', adapters: one },
  { runs: centralized, label: 'centralized LoRA (per task)', adapters: everySlot },
];
const LABEL_SKEW_METHODS = [
  { runs: labelSkew, label: 'TAC (k-means, K=3)', adapters: distinctClusters('label-skew', 'tac') },
  { runs: labelSkew, label: 'TAC oracle (true tasks)', adapters: (run) => run.experiment.data.tasks.length },
  { runs: labelSkew, label: 'FedIT r=4', adapters: one },
];
const EPOCHS_METHODS = [
  { runs: epochs, label: 'TAC (k-means, K=3)', adapters: distinctClusters('epochs', 'tac') },
  { runs: epochs, label: 'TAC oracle (true tasks)', adapters: (run) => run.experiment.data.tasks.length },
];

/** Final per-task accuracy, parameters and traffic of each method, one markdown row each. */
function accuracyTable(methods) {
  const header = [
    '| method | seeds | ' + taskNames.join(' | ') + ' | mean | params per adapter | adapters at the end | params in all | uplink MB per round |',
    '| --- | ---: | ' + taskNames.map(() => '---:').join(' | ') + ' | ---: | ---: | ---: | ---: | ---: |',
  ];
  const rows = methods.map(({ runs, label, adapters }) => {
    const own = runs.filter((run) => run.label === label);
    if (own.length === 0) return `| ${label} | 0 | ${taskNames.map(() => '–').join(' | ')} | – | – | – | – | – |`;
    const last = own.map((run) => run.ledger.at(-1));
    const perTask = taskNames.map((_, t) => percent(last.map((row) => row.taskAccuracy[t])));
    const params = own[0].summary.trainableParameters;
    const held = own.map(adapters);
    const uplink = own.map((run) => run.summary.totalUplinkBytes / run.summary.rounds / 1e6);
    return `| ${label} | ${own.length} | ${perTask.join(' | ')} | **${percent(last.map((row) => row.testAccuracy))}** | ${count(params)} | ${mean(held).toFixed(1)} | ${count(mean(held) * params)} | ${mean(uplink).toFixed(3)} |`;
  });
  return [...header, ...rows].join('\n');
}

const CLUSTERED = [
  { runs: benchmark, label: 'TAC (k-means, K=3)', setting: 'quantity skew' },
  { runs: benchmark, label: 'TAC (k-means, K by silhouette)', setting: 'quantity skew' },
  { runs: benchmark, label: 'TAC oracle (true tasks)', setting: 'quantity skew' },
  { runs: labelSkew, label: 'TAC (k-means, K=3)', setting: 'label skew' },
  { runs: labelSkew, label: 'TAC oracle (true tasks)', setting: 'label skew' },
  { runs: epochs, label: 'TAC (k-means, K=3)', setting: 'quantity skew, 1 epoch' },
];

/** Clustering accuracy (Hungarian) by round, mean over seeds, and the final ARI. */
function clusteringTable() {
  const rounds = Math.max(0, ...CLUSTERED.flatMap(({ runs }) => runs.map((run) => run.ledger.length)));
  const header = [
    `| method | split | ${Array.from({ length: rounds }, (_, r) => `r${r + 1}`).join(' | ')} | final ARI |`,
    `| --- | --- | ${Array.from({ length: rounds }, () => '---:').join(' | ')} | ---: |`,
  ];
  const rows = CLUSTERED.map(({ runs, label, setting }) => {
    const own = runs.filter((run) => run.label === label);
    if (own.length === 0) return `| ${label} | ${setting} | ${Array.from({ length: rounds }, () => '–').join(' | ')} | – |`;
    const byRound = Array.from({ length: rounds }, (_, r) => mean(own.map((run) => run.ledger[r].clustering.accuracy)).toFixed(2));
    const ari = own.map((run) => run.ledger.at(-1).clustering.adjustedRandIndex);
    return `| ${label} | ${setting} | ${byRound.join(' | ')} | ${mean(ari).toFixed(2)} ± ${std(ari).toFixed(2)} |`;
  });
  return [...header, ...rows].join('\n');
}

async function svg(spec) {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white', config: { font: 'sans-serif' } };

/** Mean accuracy over the tasks by round, each method's mean over seeds with a ±1 std band. */
function accuracyByRoundSpec() {
  const values = BENCHMARK_METHODS.flatMap(({ runs, label }) => {
    const own = runs.filter((run) => run.label === label);
    return (own[0]?.ledger ?? []).map((_, r) => {
      const accuracies = own.map((run) => run.ledger[r].testAccuracy);
      return { method: label, round: r + 1, accuracy: mean(accuracies), low: mean(accuracies) - std(accuracies), high: mean(accuracies) + std(accuracies) };
    });
  });
  const color = { field: 'method', type: 'nominal', sort: BENCHMARK_METHODS.map((m) => m.label), legend: { orient: 'right', labelLimit: 400 } };
  return {
    ...base,
    title: 'Mean test accuracy over the three tasks (mean ± std over seeds)',
    width: 460,
    height: 280,
    data: { values },
    encoding: { x: { field: 'round', type: 'quantitative', title: 'round', axis: { tickMinStep: 1 } }, color },
    layer: [
      { mark: { type: 'errorband', opacity: 0.15 }, encoding: { y: { field: 'low', type: 'quantitative', title: 'accuracy', scale: { zero: false } }, y2: { field: 'high' } } },
      { mark: { type: 'line', point: true }, encoding: { y: { field: 'accuracy', type: 'quantitative', axis: { format: '%' } } } },
    ],
  };
}

/** Clustering accuracy by round of every clustered run, mean over seeds with a ±1 std band. */
function clusteringByRoundSpec() {
  const values = CLUSTERED.flatMap(({ runs, label, setting }) => {
    const own = runs.filter((run) => run.label === label);
    return (own[0]?.ledger ?? []).map((_, r) => {
      const accuracies = own.map((run) => run.ledger[r].clustering.accuracy);
      return { run: `${label}, ${setting}`, round: r + 1, accuracy: mean(accuracies), low: mean(accuracies) - std(accuracies), high: mean(accuracies) + std(accuracies) };
    });
  });
  return {
    ...base,
    title: 'Clustering accuracy of the adapter slots (Hungarian match to true tasks)',
    width: 460,
    height: 260,
    data: { values },
    encoding: { x: { field: 'round', type: 'quantitative', title: 'round', axis: { tickMinStep: 1 } }, color: { field: 'run', type: 'nominal', sort: CLUSTERED.map(({ label, setting }) => `${label}, ${setting}`), legend: { orient: 'right', labelLimit: 400 } } },
    layer: [
      { mark: { type: 'errorband', opacity: 0.15 }, encoding: { y: { field: 'low', type: 'quantitative', title: 'clustering accuracy', scale: { domain: [0, 1] } }, y2: { field: 'high' } } },
      { mark: { type: 'line', point: true }, encoding: { y: { field: 'accuracy', type: 'quantitative' } } },
    ],
  };
}

/** The adapters of chosen rounds projected to 2-D by PCA, coloured by true task, misclustered ones marked. */
function projectionSpec(runs, folder, seed, title) {
  const run = runs.find((r) => r.seed === seed);
  const log = projections(folder, 'tac', seed);
  if (run === undefined || log === undefined) return undefined;
  const { numClients, tasks, tasksPerClient } = run.experiment.data;
  const truth = trueClientTasks(seed, numClients, tasks.length, tasksPerClient);
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
    ...base,
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

function replaceSection(readme, id, content) {
  const pattern = new RegExp(`(<!-- results:${id} -->)[\\s\\S]*?(<!-- /results:${id} -->)`);
  if (!pattern.test(readme)) throw new Error(`README.md has no <!-- results:${id} --> … <!-- /results:${id} --> section`);
  return readme.replace(pattern, `$1\n${content}\n$2`);
}

const readmePath = join(packageDir, 'README.md');
let readme = readFileSync(readmePath, 'utf8');
readme = replaceSection(readme, 'benchmark', accuracyTable(BENCHMARK_METHODS));
readme = replaceSection(readme, 'clustering', clusteringTable());
readme = replaceSection(readme, 'label-skew', accuracyTable(LABEL_SKEW_METHODS));
readme = replaceSection(readme, 'epochs', accuracyTable(EPOCHS_METHODS));
writeFileSync(readmePath, readme);

const plots = {
  'accuracy-by-round.svg': accuracyByRoundSpec(),
  'clustering-by-round.svg': clusteringByRoundSpec(),
  'projection-benchmark.svg': projectionSpec(benchmark, 'benchmark', 1, 'Adapter slots by PCA, quantity-skewed split (seed 1)'),
  'projection-label-skew.svg': projectionSpec(labelSkew, 'label-skew', 1, 'Adapter slots by PCA, label-skewed split (seed 1)'),
  'projection-epochs.svg': projectionSpec(epochs, 'epochs', 1, 'Adapter slots by PCA, quantity-skewed split, one local epoch (seed 1)'),
};
for (const [file, spec] of Object.entries(plots)) {
  if (spec === undefined) continue;
  writeFileSync(join(packageDir, 'docs', file), await svg(spec));
}
console.log(`wrote ${readmePath} and ${Object.keys(plots).length} plots under ${join(packageDir, 'docs')}`);
