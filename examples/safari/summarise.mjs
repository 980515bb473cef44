// The README tables of the SAFARI experiments, from the results folders `run-all.sh` writes:
// accuracy, rounds to a target accuracy and collapses per method and setting, mean ± std over seeds.
// Settings whose folder is missing are left out, so a partial run still gives its tables. What is
// particular to these tables stays here: the blocks of methods beside their perfect-channel run
// (another experiment's folder, paired by seed), rounds to the target, the round-to-round swing
// and the share of uploads lost after the calibration round; the package README's marked table
// names this command, and `npm run examples:tables` puts what it prints there.
//
//   node examples/safari/summarise.mjs results/safari --target 0.6
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { discoverRuns, finalAccuracy as finalAccuracyOf, runMetrics, statisticOf } from '@fedtune/report';
import { COLLAPSE_RULE, collapsed, LATE_ROUNDS, lateAccuracy } from '../collapse.mjs';

const TWO_GROUP = 'Two-group Bernoulli loss (18% / 60% success), link groups = class groups, all clients every round';
const GILBERT_ELLIOTT =
  'Two-group Gilbert–Elliott loss (18% / 60% success on average), link groups = class groups, all clients every round';
const DECOUPLED =
  'Two-group Bernoulli loss (18% / 60% success), link groups drawn independently of the class groups (`assignment: "shuffled"`), all clients every round';
const PARTIAL =
  'Two-group Bernoulli loss (18% / 60% success), link groups = class groups, 30% of the clients sampled each round (`uniform`, fraction 0.3)';
/**
 * One table per `table`. `ownPerfect`: the setting's experiment holds its own FedAvg over a perfect
 * channel (a `compare` run labelled as the block's `perfectRow`), because the `perfect` experiment
 * samples every client every round and the reference must take part as the setting does.
 */
const SETTINGS = [
  { folder: 'two-group-60', table: TWO_GROUP, sparsity: 60 },
  { folder: 'two-group-80', table: TWO_GROUP, sparsity: 80 },
  { folder: 'gilbert-elliott-60', table: GILBERT_ELLIOTT, sparsity: 60 },
  { folder: 'gilbert-elliott-80', table: GILBERT_ELLIOTT, sparsity: 80 },
  { folder: 'decoupled-60', table: DECOUPLED, sparsity: 60 },
  { folder: 'decoupled-80', table: DECOUPLED, sparsity: 80 },
  { folder: 'partial-60', table: PARTIAL, sparsity: 60, ownPerfect: true },
  { folder: 'partial-80', table: PARTIAL, sparsity: 80, ownPerfect: true },
];
/**
 * Rows per setting: lossy methods, then FedAvg over a perfect channel with the same sparse learning
 * (a run of the `perfect` experiment, or of the setting's own with `ownPerfect`), which their
 * "vs perfect" column is measured against.
 */
const BLOCKS = [
  {
    methods: ['SAFARI', 'FedAvg, stale updates', 'FedAvg, received only'],
    perfect: (sparsity) => `FedAvg, perfect, ${sparsity}% sparse`,
    perfectRow: 'FedAvg, perfect channel',
  },
  {
    methods: ['SAFARI, weight mask'],
    perfect: (sparsity) => `FedAvg, perfect, ${sparsity}% weight mask`,
    perfectRow: 'FedAvg, perfect channel, weight mask',
  },
];
const DENSE_LABEL = 'FedAvg, perfect, dense';
const SWING_ROUNDS = 10;

const [root, ...flags] = process.argv.slice(2);
const target = Number(flags[flags.indexOf('--target') + 1]);
if (!root || !(target > 0 && target < 1)) {
  console.error('usage: summarise.mjs <results/safari> --target <accuracy in (0, 1)>');
  process.exit(2);
}

/** Runs of one experiment folder by label, each label's runs keyed by seed (none when the folder is missing). */
function runsByLabel(folder) {
  const byLabel = new Map();
  if (!existsSync(join(root, folder))) return byLabel;
  for (const run of discoverRuns([join(root, folder)]).runs) {
    const label = run.experiment.label;
    if (!byLabel.has(label)) byLabel.set(label, new Map());
    byLabel.get(label).set(run.experiment.seed, run);
  }
  return byLabel;
}

const accuracies = (run) => run.ledger.map((row) => row.testAccuracy);
const finalAccuracy = (run) => finalAccuracyOf(run.ledger);
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
/** Mean |change| of the test accuracy from one round to the next over the last rounds. */
const swing = (run) => {
  const last = accuracies(run).slice(-SWING_ROUNDS - 1);
  return mean(last.slice(1).map((accuracy, i) => Math.abs(accuracy - last[i])));
};
/** Rounds (counting from 1) until the test accuracy first reaches the target, or null. */
const roundsToTarget = (run) => {
  const index = accuracies(run).findIndex((accuracy) => accuracy >= target);
  return index === -1 ? null : index + 1;
};
/** Share of uploads lost after the calibration round. */
const lostShare = (run) => {
  const rows = run.ledger.slice(1);
  return rows.reduce((n, r) => n + r.lost, 0) / rows.reduce((n, r) => n + r.uploaded, 0);
};
const uplinkBytes = (run) => runMetrics(run).totalUplinkBytes;

const points = (value) => (100 * value).toFixed(1);
const signedPoints = (value) => `${value < 0 ? '−' : '+'}${points(Math.abs(value))}`;
/** "mean ± std" (just the mean for one value, "—" for none). */
const meanStd = (values, formatMean, formatStd = formatMean) => {
  const s = statisticOf(values);
  if (s === null) return '—';
  return s.std === null ? formatMean(s.mean) : `${formatMean(s.mean)} ± ${formatStd(s.std)}`;
};

/** One table row; the gap to `perfect` pairs runs by seed (same data, clients and initial model). */
function row(label, runs, perfect) {
  const seeds = [...runs.keys()].sort((a, b) => a - b);
  const list = seeds.map((seed) => runs.get(seed));
  const reached = list.map(roundsToTarget).filter((r) => r !== null);
  const paired = seeds.filter((seed) => perfect?.has(seed));
  const gaps = paired.map((seed) => lateAccuracy(runs.get(seed)) - lateAccuracy(perfect.get(seed)));
  const misses = reached.length < list.length ? ` (${reached.length} of ${list.length} reach it)` : '';
  return [
    label,
    meanStd(list.map(finalAccuracy), points),
    meanStd(list.map(lateAccuracy), points),
    meanStd(gaps, signedPoints, points),
    `${meanStd(reached, (v) => v.toFixed(1))}${misses}`,
    meanStd(list.map(swing), points),
    points(statisticOf(list.map(lostShare)).mean),
    (statisticOf(list.map(uplinkBytes)).mean / 1e6).toFixed(2),
    `${list.filter(collapsed).length} of ${list.length}`,
  ];
}

const perfect = runsByLabel('perfect');
const settingRuns = new Map(SETTINGS.map((setting) => [setting.folder, runsByLabel(setting.folder)]));
const everyRun = [perfect, ...settingRuns.values()].flatMap((byLabel) => [...byLabel.values()].flatMap((runs) => [...runs.values()]));
const rounds = everyRun[0]?.ledger.length ?? '?';
const seeds = [...new Set(everyRun.map((run) => run.experiment.seed))].sort((a, b) => a - b).join(', ');
const dense = perfect.get(DENSE_LABEL);
const targetText = `${points(target)}%`;
const lines = [
  `Test accuracy (%) after the last of ${rounds} rounds ("final") and averaged over the last ${LATE_ROUNDS}`,
  `("last ${LATE_ROUNDS}"), and rounds until the test accuracy first reaches ${targetText}; mean ± std over`,
  `seeds ${seeds}. "vs perfect" is the last-${LATE_ROUNDS} accuracy minus that of FedAvg over a perfect`,
  'channel at the same sparsity and participation, paired by seed. "lost" is the share of uploads',
  'lost after the calibration round; "swing" is the mean change of the accuracy from one round to the',
  `next over the last ${SWING_ROUNDS} rounds (points); "uplink MB" is what the clients sent per run, lost`,
  `uploads included. "collapsed" counts the runs that collapsed, by the rule the examples' tables share:`,
  `${COLLAPSE_RULE}.`,
  '',
];
const header = `| sparsity | method | final acc | last ${LATE_ROUNDS} acc | vs perfect (pts) | rounds to ${targetText} |`;
for (const table of [...new Set(SETTINGS.map((s) => s.table))]) {
  const settings = SETTINGS.filter((s) => s.table === table && settingRuns.get(s.folder).size > 0);
  if (settings.length === 0) continue;
  lines.push(`**${table}**`, '');
  lines.push(
    `${header} swing | lost % | uplink MB | collapsed |`,
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const setting of settings) {
    const runs = settingRuns.get(setting.folder);
    const rows = [];
    for (const block of BLOCKS) {
      const methods = block.methods.filter((method) => runs.has(method));
      const reference = setting.ownPerfect ? runs.get(block.perfectRow) : perfect.get(block.perfect(setting.sparsity));
      if (methods.length === 0) continue;
      rows.push(...methods.map((method) => row(method, runs.get(method), reference)));
      if (reference) rows.push(row(block.perfectRow, reference, reference));
    }
    for (const cells of rows) lines.push(`| ${setting.sparsity}% | ${cells.join(' | ')} |`);
  }
  lines.push('');
}
if (dense) {
  const [, final, late, , toTarget, , , , collapses] = row(DENSE_LABEL, dense, undefined);
  lines.push(
    `Dense FedAvg over a perfect channel (nothing pruned): ${final} final, ${late} last ${LATE_ROUNDS},`,
    `${toTarget} rounds to ${targetText}, ${collapses} runs collapsed.`,
  );
}
console.log(lines.join('\n'));
