#!/usr/bin/env node
// Summarises one AQUILA experiment's results folder (every method, every seed) as the package
// README's table: final accuracy, uplink bits and bits to reach 95% of FedAvg-fp32's final
// accuracy, as mean ± std over seeds, plus how much AQUILA saves against the best baseline.
//
//   node examples/aquila/tables.mjs results/aquila/iid --target-only   prints the target accuracy
//   node examples/aquila/tables.mjs results/aquila/iid iid              writes the table into the README
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverRuns, statisticOf, summariseRuns } from '@fedtune/report';

const REFERENCE = 'FedAvg fp32';
const METHOD = 'AQUILA';
const BASELINES = ['FedAvg fp32', 'QSGD', 'LAQ', 'AdaQuantFL'];
const TARGET_SHARE = 0.95;

const [resultsDir, section] = process.argv.slice(2);
if (!resultsDir || !section) {
  console.error('usage: tables.mjs <results-dir> (<readme-section> | --target-only)');
  process.exit(2);
}
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '../../packages/plugin-aquila');

const { runs } = discoverRuns([resultsDir]);
const labelOf = (run) => run.experiment.label;
const byLabel = (label) => runs.filter((run) => labelOf(run) === label);
const finals = (label) => byLabel(label).map((run) => run.ledger.at(-1)?.testAccuracy ?? 0);
const reference = statisticOf(finals(REFERENCE));
if (!reference) throw new Error(`no "${REFERENCE}" runs under ${resultsDir}`);
const target = Math.round(TARGET_SHARE * reference.mean * 10000) / 10000;
if (section === '--target-only') {
  console.log(target);
  process.exit(0);
}

const summaries = summariseRuns(runs, { target });
const runsByDir = new Map(runs.map((run) => [run.dir, run]));
const rows = summaries.map((summary) => {
  const members = summary.dirs.map((dir) => runsByDir.get(dir));
  const ledgers = members.map((run) => run.ledger);
  const length = members[0].summary.trainableParameters;
  const share = (pick) => statisticOf(ledgers.map((rows) => ratio(rows, pick)));
  return {
    label: labelOf(members[0]),
    seeds: summary.seeds.length,
    final: summary.finalAccuracy,
    uplinkBits: statisticOf(members.map((run) => run.summary.totalUplinkBytes * 8)),
    toTarget: summary.bitsToTarget,
    skipped: share((row) => [row.skipped, row.participants]),
    bitsPerValue: share((row) => [row.uplinkBytes * 8, row.uplinkValues ?? row.uploaded * length]),
  };
});

const table = [
  `Target: ${percent(target)} test accuracy (${TARGET_SHARE * 100}% of ${REFERENCE}'s final ${percent(
    reference.mean,
  )}); ` + `mean ± std over ${rows[0].seeds} seeds.`,
  '',
  '| method | final accuracy | uplink, total | uplink to target (runs reaching it) | uploads skipped | bits per value sent |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((row) =>
    cells([
      row.label,
      `${pm(row.final, (v) => (v * 100).toFixed(2))} %`,
      `${pm(row.uplinkBits, (v) => (v / 1e6).toFixed(2))} Mbit`,
      row.toTarget.bits
        ? `${pm(row.toTarget.bits, (v) => (v / 1e6).toFixed(2))} Mbit (${row.toTarget.reached}/${row.toTarget.of})`
        : `not reached (0/${row.toTarget.of})`,
      `${pm(row.skipped, (v) => (v * 100).toFixed(1))} %`,
      pm(row.bitsPerValue, (v) => v.toFixed(2)),
    ]),
  ),
  '',
  savings(rows),
].join('\n');

writeFileSync(join(packageDir, 'docs', `results-${section}.md`), `${table}\n`);
const readmePath = join(packageDir, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const open = `<!-- results:${section} -->`;
const close = `<!-- /results:${section} -->`;
const start = readme.indexOf(open);
const end = readme.indexOf(close);
if (start < 0 || end < start) throw new Error(`README has no ${open} … ${close} section`);
writeFileSync(readmePath, `${readme.slice(0, start + open.length)}\n${table}\n${readme.slice(end)}`);
console.log(table);

/** AQUILA's bits against the cheapest baseline, to the target and in total. */
function savings(all) {
  const method = all.find((row) => row.label === METHOD);
  const baselines = all.filter((row) => BASELINES.includes(row.label));
  const reaching = baselines.filter((row) => row.toTarget.bits && row.toTarget.reached === row.toTarget.of);
  const lines = [];
  if (method?.toTarget.bits && reaching.length > 0) {
    const best = reaching.reduce((a, b) => (a.toTarget.bits.mean <= b.toTarget.bits.mean ? a : b));
    const saved = 1 - method.toTarget.bits.mean / best.toTarget.bits.mean;
    lines.push(
      `To the target, ${METHOD} sent ${signedPercent(
        saved,
      )} bits than the cheapest baseline that reached it in every seed ` +
        `(${best.label}), reaching it in ${method.toTarget.reached} of ${method.toTarget.of} runs.`,
    );
  } else {
    lines.push(`${METHOD} did not reach the target in any run, or no baseline reached it in every seed.`);
  }
  const cheapest = baselines.reduce((a, b) => (a.uplinkBits.mean <= b.uplinkBits.mean ? a : b));
  const total = 1 - method.uplinkBits.mean / cheapest.uplinkBits.mean;
  const gap = (method.final.mean - cheapest.final.mean) * 100;
  lines.push(
    `Over all rounds it sent ${signedPercent(total)} bits than the cheapest baseline (${cheapest.label}), ` +
      `at ${gap >= 0 ? '+' : '−'}${Math.abs(gap).toFixed(2)} points of final accuracy.`,
  );
  return lines.join(' ');
}

function cells(values) {
  return `| ${values.join(' | ')} |`;
}

function ratio(rows, pick) {
  const [top, bottom] = rows.map(pick).reduce(([a, b], [x, y]) => [a + x, b + y], [0, 0]);
  return bottom > 0 ? top / bottom : 0;
}

function pm(statistic, format) {
  if (!statistic) return '–';
  return statistic.std === null ? format(statistic.mean) : `${format(statistic.mean)} ± ${format(statistic.std)}`;
}

function percent(value) {
  return `${(value * 100).toFixed(2)}%`;
}

function signedPercent(saved) {
  return saved >= 0 ? `${(saved * 100).toFixed(1)}% fewer` : `${(-saved * 100).toFixed(1)}% more`;
}
