#!/usr/bin/env node
// Summarises one AQUILA experiment's results folder (every method, every seed) as the package
// README's table, mean ± std over seeds: final accuracy, collapses, skipped uploads, the uplink
// actually sent (the ledger's payload bytes, as @fedtune/report totals them: in total, per upload,
// to the target, per value) and, for rows whose compressor wrote a bits log (`bitsLogDir`), the
// bits as AQUILA's paper counts them (b·d per upload: in total, per upload, to the target), then
// what each AQUILA row sent against the cheapest baseline. The target is 95% of FedAvg-fp32's mean
// final accuracy. The README's marked tables name this command; `npm run examples:tables` puts
// what it prints there.
//
// Bits logs are found where the runs wrote them: `bitsLogDir` resolved against the working
// directory, so run this from the folder the runs were started in (run-all.sh: the repository root).
//
//   node examples/aquila/tables.mjs results/aquila/iid                 prints the table
//   node examples/aquila/tables.mjs results/aquila/iid --target-only   prints the target accuracy
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseUploadBitsLog } from '@fedtune/plugin-aquila';
import { bitsToReach, discoverRuns, finalAccuracy, runMetrics, statisticOf } from '@fedtune/report';
import { COLLAPSE_RULE, collapsed } from '../collapse.mjs';

const REFERENCE = 'FedAvg fp32';
/** Rows whose label starts with this are AQUILA's, each measured against the cheapest baseline. */
const METHOD = 'AQUILA';
const BASELINES = ['FedAvg fp32', 'QSGD', 'LAQ', 'AdaQuantFL'];
const TARGET_SHARE = 0.95;

const [resultsDir, mode] = process.argv.slice(2);
if (!resultsDir || (mode !== undefined && mode !== '--target-only')) {
  console.error('usage: tables.mjs <results-dir> [--target-only]');
  process.exit(2);
}

const { runs, skipped } = discoverRuns([resultsDir]);
for (const { dir, reason } of skipped) console.error(`skipped ${dir}: ${reason}`);
const labelOf = (run) => run.experiment.label;
const reference = statisticOf(runs.filter((run) => labelOf(run) === REFERENCE).map((run) => finalAccuracy(run.ledger) ?? 0));
if (!reference) throw new Error(`no "${REFERENCE}" runs under ${resultsDir}`);
const target = Math.round(TARGET_SHARE * reference.mean * 10000) / 10000;
if (mode === '--target-only') {
  console.log(target);
  process.exit(0);
}

const labels = [...new Set(runs.map(labelOf))];
const rows = labels.map((label) => summariseRow(label, runs.filter((run) => labelOf(run) === label)));
const seeds = [...new Set(runs.map((run) => run.experiment.seed))].sort((a, b) => a - b);

const table = [
  `Target: ${percent(target)} test accuracy (${TARGET_SHARE * 100}% of ${REFERENCE}'s final ${percent(
    reference.mean,
  )}); mean ± std over seeds ${seeds.join(', ')}.`,
  '',
  '| method | final accuracy | collapsed | uploads skipped | sent, total | sent per upload | sent to target (runs reaching it) | bits per value sent | paper\'s b·d, total | paper\'s b·d per upload | paper\'s b·d to target (runs reaching it) |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((row) =>
    cells([
      row.label,
      `${pm(row.final, (v) => (v * 100).toFixed(2))} %`,
      `${row.collapsed} of ${row.runs}`,
      `${pm(row.skipped, (v) => (v * 100).toFixed(1))} %`,
      mbit(row.sent.total),
      kbit(row.sent.perUpload),
      toTarget(row.sent.toTarget),
      pm(row.bitsPerValueSent, (v) => v.toFixed(2)),
      row.paper ? mbit(row.paper.total) : '–',
      row.paper ? kbit(row.paper.perUpload) : '–',
      row.paper ? toTarget(row.paper.toTarget) : '–',
    ]),
  ),
  '',
  '"Sent" is the uplink the ledger counts: every payload\'s bytes as serialised (headers included),',
  'in bits; "per upload" divides by the uploads sent. "Paper\'s b·d" is the bits AQUILA\'s own',
  'accounting charges, b·d per upload decoded (no header; in the `official` protocol the payload',
  'itself is fp32), from the compressor\'s bits log; "–" where the row keeps none. "To target" adds',
  'every round up to the first at or above the target. "Collapsed" counts the runs by one rule:',
  `${COLLAPSE_RULE}.`,
  '',
  ...savings(rows),
].join('\n');

console.log(table);

/** One table row: the figures of each seed's run of `label`, as statistics over the seeds. */
function summariseRow(label, members) {
  const perRun = members.map(measureRun);
  const logged = perRun.filter((run) => run.paper !== null);
  if (logged.length > 0 && logged.length < perRun.length) {
    throw new Error(`"${label}": only ${logged.length} of ${perRun.length} runs have a bits log; give every run the same compressor options`);
  }
  // Over the runs that have the figure: a run that sent nothing has no bits per upload or per value.
  const of = (pick) => statisticOf(perRun.map(pick).filter((value) => value !== null));
  const reaching = (pick) => ({
    bits: statisticOf(perRun.map(pick).filter((bits) => bits !== null)),
    reached: perRun.filter((run) => pick(run) !== null).length,
    of: perRun.length,
  });
  return {
    label,
    runs: perRun.length,
    final: of((run) => run.final),
    collapsed: perRun.filter((run) => run.collapsed).length,
    skipped: of((run) => run.skippedShare),
    bitsPerValueSent: of((run) => run.bitsPerValueSent),
    sent: {
      total: of((run) => run.sent.total),
      perUpload: of((run) => run.sent.perUpload),
      toTarget: reaching((run) => run.sent.toTarget),
    },
    paper:
      logged.length === 0
        ? null
        : {
            total: of((run) => run.paper.total),
            perUpload: of((run) => run.paper.perUpload),
            toTarget: reaching((run) => run.paper.toTarget),
          },
  };
}

/** One run's figures; `paper` is null when its compressor kept no bits log. */
function measureRun(run) {
  const { ledger } = run;
  const metrics = runMetrics(run);
  const records = bitsLogOf(run);
  const reachedAt = ledger.find((row) => row.testAccuracy !== null && row.testAccuracy >= target)?.round;
  return {
    final: finalAccuracy(ledger) ?? 0,
    collapsed: collapsed(run),
    skippedShare: ratio(metrics.uploadsSkipped, sum(ledger, (row) => row.participants)),
    bitsPerValueSent: metrics.bitsPerValue,
    sent: {
      total: 8 * metrics.totalUplinkBytes,
      perUpload: metrics.uplinkBytesPerUpload === null ? null : 8 * metrics.uplinkBytesPerUpload,
      toTarget: bitsToReach(ledger, target),
    },
    paper:
      records === null
        ? null
        : {
            total: sum(records, (r) => r.accountedBits),
            perUpload: ratio(sum(records, (r) => r.accountedBits), records.length),
            toTarget:
              reachedAt === undefined ? null : sum(records.filter((r) => r.round <= reachedAt), (r) => r.accountedBits),
          },
  };
}

/**
 * The records of the run's bits log, or null when its compressor keeps none. The log must describe
 * this very run: as many decoded uploads per round as the ledger's uploads that arrived, and, in a
 * round that lost none, the same payload bytes.
 */
function bitsLogOf(run) {
  const folder = run.experiment.compressor?.options?.bitsLogDir;
  if (folder === undefined) return null;
  // The file the compressor names per seed (README, "Bits, honestly").
  const path = resolve(folder, `aquila-bits-seed-${run.experiment.seed}.jsonl`);
  if (!existsSync(path)) {
    throw new Error(
      `${run.dir} logged its bits to ${path}, which does not exist: run tables.mjs from the folder the run was started in, or re-run the run`,
    );
  }
  const records = parseUploadBitsLog(readFileSync(path, 'utf8'));
  const mismatch = (why) =>
    new Error(`the bits log ${path} does not belong to ${run.dir} (${why}); re-run that seed, which rewrites the log`);
  const rounds = new Set(run.ledger.map((row) => row.round));
  const stray = records.find((r) => !rounds.has(r.round));
  if (stray) throw mismatch(`it logs round ${stray.round}, which the ledger lacks`);
  for (const row of run.ledger) {
    const inRound = records.filter((r) => r.round === row.round);
    const arrived = row.uploaded - row.lost;
    if (inRound.length !== arrived) throw mismatch(`round ${row.round}: ${inRound.length} uploads logged, ${arrived} arrived`);
    const bytes = sum(inRound, (r) => r.payloadBytes);
    if (row.lost === 0 && bytes !== row.uplinkBytes) {
      throw mismatch(`round ${row.round}: ${bytes} payload bytes logged, ${row.uplinkBytes} in the ledger`);
    }
  }
  return records;
}

/**
 * Each AQUILA row's uplink sent against the cheapest baseline's, to the target and in total, with
 * its collapses beside it: a run that collapsed stops learning, not sending less per upload.
 */
function savings(all) {
  const baselines = all.filter((row) => BASELINES.includes(row.label));
  if (baselines.length === 0) return [];
  const reaching = baselines.filter((row) => row.sent.toTarget.bits && row.sent.toTarget.reached === row.sent.toTarget.of);
  const bestToTarget =
    reaching.length === 0 ? null : reaching.reduce((a, b) => (a.sent.toTarget.bits.mean <= b.sent.toTarget.bits.mean ? a : b));
  const cheapest = baselines.reduce((a, b) => (a.sent.total.mean <= b.sent.total.mean ? a : b));
  const lines = [`Uplink sent (the ledger's bytes) against the baselines (${baselines.map((row) => row.label).join(', ')}):`, ''];
  for (const method of all.filter((row) => row.label.startsWith(METHOD))) {
    const reached = method.sent.toTarget;
    const toTarget =
      bestToTarget && reached.bits
        ? `to the target it sent ${signedPercent(1 - reached.bits.mean / bestToTarget.sent.toTarget.bits.mean)} than ${
            bestToTarget.label
          }, the cheapest baseline that reached it in every seed, reaching it in ${reached.reached} of ${reached.of} runs`
        : `it reached the target in ${reached.reached} of ${reached.of} runs${bestToTarget ? '' : ' and no baseline did in every seed'}`;
    const gap = (method.final.mean - cheapest.final.mean) * 100;
    lines.push(
      `- ${method.label}: ${toTarget}; over all rounds it sent ${signedPercent(
        1 - method.sent.total.mean / cheapest.sent.total.mean,
      )} than the cheapest baseline (${cheapest.label}), at ${gap >= 0 ? '+' : '−'}${Math.abs(gap).toFixed(
        2,
      )} points of final accuracy, with ${method.collapsed} of ${method.runs} runs collapsed.`,
    );
  }
  return lines;
}

function cells(values) {
  return `| ${values.join(' | ')} |`;
}

function sum(items, value) {
  return items.reduce((total, item) => total + value(item), 0);
}

function ratio(top, bottom) {
  return bottom > 0 ? top / bottom : 0;
}

function pm(statistic, format) {
  if (!statistic) return '–';
  return statistic.std === null ? format(statistic.mean) : `${format(statistic.mean)} ± ${format(statistic.std)}`;
}

function mbit(statistic) {
  return `${pm(statistic, (v) => (v / 1e6).toFixed(2))} Mbit`;
}

function kbit(statistic) {
  return `${pm(statistic, (v) => (v / 1e3).toFixed(2))} kbit`;
}

function toTarget({ bits, reached, of }) {
  return bits ? `${mbit(bits)} (${reached}/${of})` : `not reached (0/${of})`;
}

function percent(value) {
  return `${(value * 100).toFixed(2)}%`;
}

function signedPercent(saved) {
  return saved >= 0 ? `${(saved * 100).toFixed(1)}% fewer bits` : `${(-saved * 100).toFixed(1)}% more bits`;
}
