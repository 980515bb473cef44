// The README tables of the SAFARI experiments, from the results folders `run-all.sh` writes:
// accuracy and rounds to a target accuracy per method and setting, mean ± std over seeds.
//
//   node examples/safari/summarise.mjs results/safari --target 0.6 > packages/plugin-safari/docs/results.md
import { join } from 'node:path';
import { discoverRuns, statisticOf } from '@fedtune/report';

const SETTINGS = [
  { folder: 'two-group-60', loss: 'Two-group Bernoulli loss (18% / 60% success)', sparsity: 60 },
  { folder: 'two-group-80', loss: 'Two-group Bernoulli loss (18% / 60% success)', sparsity: 80 },
  { folder: 'gilbert-elliott-60', loss: 'Two-group Gilbert–Elliott loss (18% / 60% success on average)', sparsity: 60 },
  { folder: 'gilbert-elliott-80', loss: 'Two-group Gilbert–Elliott loss (18% / 60% success on average)', sparsity: 80 },
];
/**
 * Rows per setting: lossy methods, then FedAvg over a perfect channel with the same sparse learning
 * (a run of the `perfect` experiment), which their "vs perfect" column is measured against.
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
const LATE_ROUNDS = 5;
const SWING_ROUNDS = 10;

const [root, ...flags] = process.argv.slice(2);
const target = Number(flags[flags.indexOf('--target') + 1]);
if (!root || !(target > 0 && target < 1)) {
  console.error('usage: summarise.mjs <results/safari> --target <accuracy in (0, 1)>');
  process.exit(2);
}

/** Runs of one experiment folder by label, each label's runs keyed by seed. */
function runsByLabel(folder) {
  const byLabel = new Map();
  for (const run of discoverRuns([join(root, folder)]).runs) {
    const label = run.experiment.label;
    if (!byLabel.has(label)) byLabel.set(label, new Map());
    byLabel.get(label).set(run.experiment.seed, run);
  }
  return byLabel;
}

const accuracies = (run) => run.ledger.map((row) => row.testAccuracy);
const finalAccuracy = (run) => accuracies(run).at(-1);
/** Mean test accuracy of the last rounds: less noisy than the last round alone. */
const lateAccuracy = (run) =>
  accuracies(run)
    .slice(-LATE_ROUNDS)
    .reduce((a, b) => a + b, 0) / LATE_ROUNDS;
/** Mean |change| of the test accuracy from one round to the next over the last rounds. */
const swing = (run) => {
  const last = accuracies(run).slice(-SWING_ROUNDS - 1);
  return last.slice(1).reduce((sum, accuracy, i) => sum + Math.abs(accuracy - last[i]), 0) / SWING_ROUNDS;
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
const uplinkBytes = (run) => run.ledger.reduce((n, row) => n + row.uplinkBytes, 0);

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
  ];
}

const perfect = runsByLabel('perfect');
const dense = perfect.get(DENSE_LABEL);
const rounds = dense?.values().next().value?.ledger.length ?? '?';
const seeds = [...(dense?.keys() ?? [])].join(', ');
const targetText = `${points(target)}%`;
const lines = [
  `Test accuracy (%) after the last of ${rounds} rounds ("final") and averaged over the last ${LATE_ROUNDS}`,
  `("last ${LATE_ROUNDS}"), and rounds until the test accuracy first reaches ${targetText}; mean ± std over`,
  `seeds ${seeds}. "vs perfect" is the last-${LATE_ROUNDS} accuracy minus that of FedAvg over a perfect`,
  'channel at the same sparsity, paired by seed. "lost" is the share of uploads lost after the',
  `calibration round; "swing" is the mean change of the accuracy from one round to the next over the`,
  `last ${SWING_ROUNDS} rounds (points); "uplink MB" is what the clients sent per run, lost uploads included.`,
  '',
];
const header = `| sparsity | method | final acc | last ${LATE_ROUNDS} acc | vs perfect (pts) | rounds to ${targetText} |`;
for (const loss of [...new Set(SETTINGS.map((s) => s.loss))]) {
  lines.push(`**${loss}**`, '');
  lines.push(
    `${header} swing | lost % | uplink MB |`,
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const setting of SETTINGS.filter((s) => s.loss === loss)) {
    const runs = runsByLabel(setting.folder);
    const rows = [];
    for (const block of BLOCKS) {
      const methods = block.methods.filter((method) => runs.has(method));
      const reference = perfect.get(block.perfect(setting.sparsity));
      if (methods.length === 0) continue;
      rows.push(...methods.map((method) => row(method, runs.get(method), reference)));
      if (reference) rows.push(row(block.perfectRow, reference, reference));
    }
    for (const cells of rows) lines.push(`| ${setting.sparsity}% | ${cells.join(' | ')} |`);
  }
  lines.push('');
}
if (dense) {
  const [, final, late, , toTarget] = row(DENSE_LABEL, dense, undefined);
  lines.push(
    `Dense FedAvg over a perfect channel (nothing pruned): ${final} final, ${late} last ${LATE_ROUNDS},`,
    `${toTarget} rounds to ${targetText}.`,
  );
}
console.log(lines.join('\n'));
