#!/usr/bin/env node
// Summarises the RM-LoRA experiments that examples/rmlora/run-all.sh wrote: the package README's
// result tables (between the `results:*` markers) and the training plots under docs/.
// Usage: node scripts/results.mjs <results/rmlora>
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import { compile } from 'vega-lite';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = process.argv[2];
if (resultsDir === undefined || !existsSync(resultsDir)) {
  console.error('usage: node scripts/results.mjs <results folder written by examples/rmlora/run-all.sh>');
  process.exit(2);
}

const METHODS = ['LoRA', 'rsLoRA', 'RM-LoRA v1', 'RM-LoRA v2'];
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const readLedger = (dir) =>
  readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

/** Every run of one experiment folder: { experiment, seed, label, summary, ledger }. */
function readExperiment(dir) {
  const runs = [];
  for (const seedDir of readdirSync(dir).filter((name) => name.startsWith('seed-'))) {
    const main = join(dir, seedDir);
    const compareDir = join(main, 'compare');
    const folders = [main, ...(existsSync(compareDir) ? readdirSync(compareDir).map((name) => join(compareDir, name)) : [])];
    for (const folder of folders) {
      if (!existsSync(join(folder, 'summary.json'))) continue;
      const summary = readJson(join(folder, 'summary.json'));
      runs.push({ experiment: readJson(join(folder, 'experiment.json')), seed: summary.seed, label: summary.label, summary, ledger: readLedger(folder) });
    }
  }
  return runs;
}

/** Mean and sample standard deviation (n − 1). */
function statistic(values) {
  const n = values.length;
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

/** Evaluations averaged for the "last 5" accuracy, which is less noisy than the final one alone. */
const LATE_EVALUATIONS = 5;

const formatStat = ({ mean, std }, digits, scale = 1, sign = false) => {
  const value = (mean * scale).toFixed(digits).replace('-', '−');
  return `${sign && !value.startsWith('−') ? '+' : ''}${value} ± ${(std * scale).toFixed(digits)}`;
};

const evaluated = (ledger) => ledger.filter((row) => row.testAccuracy !== null);
const lateAccuracy = (run) => statistic(evaluated(run.ledger).slice(-LATE_EVALUATIONS).map((row) => row.testAccuracy)).mean;

/** One table row per method: final and late accuracy with their paired gaps to the reference, losses and ranks at the end. */
function tableRows(runs, methods, reference) {
  const bySeed = (label) => new Map(runs.filter((run) => run.label === label).map((run) => [run.seed, run]));
  const referenceRuns = reference === undefined ? undefined : bySeed(reference);
  return methods
    .filter((label) => runs.some((run) => run.label === label))
    .map((label) => {
      const own = [...bySeed(label).values()].sort((a, b) => a.seed - b.seed);
      const final = own.map((run) => evaluated(run.ledger).at(-1));
      const paired = referenceRuns === undefined || label === reference ? [] : own.filter((run) => referenceRuns.has(run.seed));
      const gap = (measure) =>
        paired.length === 0 ? undefined : statistic(paired.map((run) => measure(run) - measure(referenceRuns.get(run.seed))));
      return {
        label,
        seeds: own.length,
        params: own[0].summary.trainableParameters,
        accuracy: statistic(own.map((run) => run.summary.finalAccuracy)),
        gap: gap((run) => run.summary.finalAccuracy),
        late: statistic(own.map(lateAccuracy)),
        lateGap: gap(lateAccuracy),
        testLoss: statistic(final.map((row) => row.testLoss)),
        trainLoss: statistic(own.map((run) => run.ledger.at(-1).trainLoss)),
        effectiveRank: statistic(final.map((row) => row.metrics.effectiveRank)),
        stableRank: statistic(final.map((row) => row.metrics.stableRank)),
      };
    });
}

function markdownTable(groups) {
  const lines = [
    '| r | method | params | final acc % | vs LoRA (pts) | last-5 acc % | vs LoRA (pts) | test loss | train loss | eff. rank | stable rank |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { rank, rows } of groups) {
    for (const row of rows) {
      const gap = (difference) => (difference === undefined ? '' : formatStat(difference, 2, 100, true));
      const cells = [
        rank,
        row.label,
        row.params.toLocaleString('en-US'),
        formatStat(row.accuracy, 2, 100),
        gap(row.gap),
        formatStat(row.late, 2, 100),
        gap(row.lateGap),
        formatStat(row.testLoss, 3),
        formatStat(row.trainLoss, 3),
        formatStat(row.effectiveRank, 2),
        formatStat(row.stableRank, 2),
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

/** Test accuracy, test loss and effective rank per evaluated round, one line per method, one column per rank. */
function trainingSpec(runs, title) {
  const values = runs.flatMap((run) =>
    run.ledger
      .filter((row) => row.testAccuracy !== null)
      .flatMap((row) => [
        { rank: `r = ${run.experiment.adapter.rank}`, method: run.label, round: row.round + 1, metric: 'test accuracy', value: row.testAccuracy },
        { rank: `r = ${run.experiment.adapter.rank}`, method: run.label, round: row.round + 1, metric: 'test loss', value: row.testLoss },
        { rank: `r = ${run.experiment.adapter.rank}`, method: run.label, round: row.round + 1, metric: 'effective rank of ΔW', value: row.metrics.effectiveRank },
      ])
  );
  const colour = { field: 'method', type: 'nominal', sort: METHODS, scale: { domain: METHODS, range: ['#4c78a8', '#9d755d', '#e45756', '#54a24b'] } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values },
    facet: {
      row: { field: 'metric', type: 'nominal', sort: ['test accuracy', 'test loss', 'effective rank of ΔW'], title: null },
      column: { field: 'rank', type: 'nominal', sort: ['r = 2', 'r = 4', 'r = 8'], title: null },
    },
    spec: {
      width: 220,
      height: 160,
      layer: [
        {
          mark: { type: 'errorband', extent: 'stdev', opacity: 0.2 },
          encoding: { x: { field: 'round', type: 'quantitative' }, y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } }, color: colour },
        },
        {
          mark: { type: 'line', strokeWidth: 1.5 },
          encoding: {
            x: { field: 'round', type: 'quantitative', title: 'round' },
            y: { aggregate: 'mean', field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
            color: colour,
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: { font: 'Helvetica, Arial, sans-serif' },
  };
}

async function renderSvg(spec) {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const experiments = readdirSync(resultsDir)
  .filter((name) => existsSync(join(resultsDir, name)) && readdirSync(join(resultsDir, name)).some((n) => n.startsWith('seed-')))
  .map((name) => ({ name, runs: readExperiment(join(resultsDir, name)) }));

const sections = [];
for (const setting of ['centralised', 'federated']) {
  const chosen = experiments.filter((e) => /^(centralised|federated)-r\d+$/.test(e.name) && e.name.startsWith(setting));
  if (chosen.length === 0) continue;
  const groups = chosen
    .map((e) => ({ rank: e.runs[0].experiment.adapter.rank, rows: tableRows(e.runs, METHODS, 'LoRA') }))
    .sort((a, b) => a.rank - b.rank);
  sections.push({ id: setting, table: markdownTable(groups) });
  const runs = chosen.flatMap((e) => e.runs);
  const seeds = new Set(runs.map((run) => run.seed)).size;
  const title = `${setting === 'centralised' ? 'Centralised (1 client)' : 'Federated (10 clients, Dirichlet 0.5)'}, 500 images: mean ± std over ${seeds} seeds`;
  const svg = await renderSvg(trainingSpec(runs, title));
  writeFileSync(join(packageDir, 'docs', `${setting}-training.svg`), `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`);
}
const ablation = experiments.find((e) => e.name === 'centralised-r4-ablation');
const baseline = experiments.find((e) => e.name === 'centralised-r4');
if (ablation !== undefined && baseline !== undefined) {
  const runs = [...baseline.runs, ...ablation.runs];
  const labels = ['LoRA', 'RM-LoRA v1', 'regulariser only', 'mask only', 'RM-LoRA v1, update mask'];
  sections.push({ id: 'ablation', table: markdownTable([{ rank: 4, rows: tableRows(runs, labels, 'LoRA') }]) });
}

const readmePath = join(packageDir, 'README.md');
let readme = readFileSync(readmePath, 'utf8');
for (const { id, table } of sections) {
  const pattern = new RegExp(`(<!-- results:${id} -->)[\\s\\S]*?(<!-- /results:${id} -->)`);
  if (!pattern.test(readme)) throw new Error(`README.md has no <!-- results:${id} --> … <!-- /results:${id} --> section`);
  readme = readme.replace(pattern, `$1\n${table}\n$2`);
  console.log(`## ${id}\n${table}\n`);
}
writeFileSync(readmePath, readme);
