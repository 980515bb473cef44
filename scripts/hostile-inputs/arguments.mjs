// Command-line arguments out of range or of the wrong kind, for every command: run, report,
// compare, pretrain, tokens, serve and join; and --workers 64 for 4 clients, which must stay quick
// and small.
import { join } from 'node:path';
import { copyFixture, finishedRunProblem, runExperimentArgs, smallExperiment, symlink, writeText } from './fixtures.mjs';

const KIND = 'arguments';
const entries = [];
const refused = (id, description, setup, extra = {}) => entries.push({ id, kind: KIND, description, expect: 'refused', setup, ...extra });

/** `fedtune run` of the small experiment with `extra` arguments. */
const run = (...extra) => (dir) => runExperimentArgs(dir, smallExperiment(), extra);
/** `fedtune <args>` with a finished run at `results/run`. */
const onResults = (...args) => async (dir) => {
  await copyFixture('finishedRun', join(dir, 'results', 'run'));
  return { args };
};
/** `fedtune pretrain` into the entry's folder, kept short should it be accepted. */
const pretrain = (...args) => () => ({ args: ['pretrain', '--epochs', '1', '--out', 'base.safetensors', ...args] });
const command = (...args) => () => ({ args });
/** An argument value as part of an entry id: `-1` → `minus1`, `150%` → `150pct`, `1.5` → `1p5`. */
const idPart = (value) =>
  value === ''
    ? 'empty'
    : value.toLowerCase().replace(/^-/, 'minus').replaceAll('%', 'pct').replaceAll('.', 'p').replace(/[^a-z0-9]+/g, '-');

// ---- run -------------------------------------------------------------------------------------------
refused('run-no-experiment', 'fedtune run with neither an experiment nor --resume', command('run', '--out', 'out'));
for (const value of ['-1', '1e400']) {
  refused(`run-seed-${idPart(value)}`, `fedtune run --seed "${value}"`, run('--seed', value));
}
for (const value of ['0', 'abc']) {
  refused(`run-checkpoint-every-${idPart(value)}`, `fedtune run --checkpoint-every ${value}`, run('--checkpoint-every', value));
}
for (const value of ['0', 'abc']) {
  refused(`run-workers-${idPart(value)}`, `fedtune run --workers ${value}`, run('--workers', value));
}
entries.push({
  id: 'run-workers-64',
  kind: KIND,
  description: 'fedtune run --workers 64 for 4 clients: accepted, quick (under 90 s) and small (under 1.2 GB resident)',
  expect: 'accepted',
  setup: run('--workers', '64'),
  check: (dir, result) => {
    if (result.durationMs > 90_000) return `took ${Math.round(result.durationMs / 1000)} s`;
    if (result.peakRssMb > 1200) return `peaked at ${Math.round(result.peakRssMb)} MB resident`;
    return finishedRunProblem(join(dir, 'out'));
  },
});
refused('run-backend-unknown', 'fedtune run --backend cuda', run('--backend', 'cuda'));
refused('run-resume-and-experiment', 'fedtune run exp.json --resume out', async (dir) => {
  await copyFixture('stoppedRun', join(dir, 'out'));
  return runExperimentArgs(dir, smallExperiment(), ['--resume', 'out']);
});
refused('run-resume-missing', 'fedtune run --resume of a folder that does not exist', command('run', '--resume', 'nowhere'));
refused('run-resume-file', 'fedtune run --resume of a regular file', (dir) => {
  writeText(join(dir, 'file'), 'x');
  return { args: ['run', '--resume', 'file'] };
});

// ---- report and compare -----------------------------------------------------------------------------
for (const value of ['150%', '-1', 'NaN']) {
  refused(`report-target-${idPart(value)}`, `fedtune report --target "${value}"`, onResults('report', 'results', '--out', 'report.html', '--target', value));
}
for (const value of ['0', '-1']) {
  refused(`compare-last-${idPart(value)}`, `fedtune compare --last ${value}`, onResults('compare', 'results', '--last', value));
}
refused('compare-baseline-unknown', 'fedtune compare --baseline naming no run', onResults('compare', 'results', '--baseline', 'no such run'));
refused('compare-metrics-empty', 'fedtune compare --metrics ""', onResults('compare', 'results', '--metrics', ''));
refused('report-no-folders', 'fedtune report with no results folder', command('report', '--out', 'report.html'));

// ---- pretrain -----------------------------------------------------------------------------------
for (const value of ['0', '100000000']) {
  refused(`pretrain-hidden-${idPart(value)}`, `fedtune pretrain --hidden ${value}${value === '100000000' ? ' (must not try to allocate it)' : ''}`, pretrain('--hidden', value));
}
refused('pretrain-epochs-0', 'fedtune pretrain --epochs 0', () => ({ args: ['pretrain', '--epochs', '0', '--out', 'base.safetensors'] }));
refused('pretrain-learning-rate-negative', 'fedtune pretrain --learning-rate -1', pretrain('--learning-rate', '-1'));
refused('pretrain-upstream-classes-10', 'fedtune pretrain --upstream-classes 10', pretrain('--upstream-classes', '10'));
refused('pretrain-data-missing', 'fedtune pretrain --data naming no folder', pretrain('--data', 'nowhere'));
refused('pretrain-text-heads-3', 'fedtune pretrain --model text --heads 3 (does not divide --d-model 64)', pretrain('--model', 'text', '--steps', '1', '--heads', '3'));
refused('pretrain-text-fortunes-dev-zero', 'fedtune pretrain --model text --fortunes /dev/zero', pretrain('--model', 'text', '--steps', '1', '--fortunes', '/dev/zero'));
refused('pretrain-out-under-file', 'fedtune pretrain --out under a regular file', (dir) => {
  writeText(join(dir, 'file'), 'x');
  return { args: ['pretrain', '--epochs', '1', '--out', 'file/base.safetensors'] };
});
refused('pretrain-out-exists', 'fedtune pretrain --out an existing file without --overwrite (it must stay)', (dir) => {
  writeText(join(dir, 'base.safetensors'), 'precious');
  return { args: ['pretrain', '--epochs', '1', '--out', 'base.safetensors'] };
});

// ---- tokens ------------------------------------------------------------------------------------------
for (const value of ['0', '1000000000']) {
  refused(`tokens-clients-${idPart(value)}`, `fedtune tokens --clients ${value}`, command('tokens', '--clients', value, '--out', 'tokens.json'));
}

// ---- serve and join (refused before they listen or connect; a hang means they did not refuse) ----
const SERVE_TIMEOUT = { timeoutS: 60 };
/** `fedtune serve exp.json` with a tokens file for its 4 clients and `extra` arguments. */
const serve = (...extra) => (dir) => {
  const tokens = Object.fromEntries([0, 1, 2, 3].map((id) => [id, `secret-of-client-${id}-${'x'.repeat(24)}`]));
  writeText(join(dir, 'tokens.json'), `${JSON.stringify({ tokens })}\n`);
  return runExperimentArgs(dir, smallExperiment(), ['--tokens', 'tokens.json', '--listen', '127.0.0.1:0', ...extra]);
};
const asServe = (plan) => ({ ...plan, args: ['serve', ...plan.args.slice(1)] });
refused('serve-listen-nonsense', 'fedtune serve --listen "nonsense"', (dir) => asServe(serve('--listen', 'nonsense')(dir)), SERVE_TIMEOUT);
refused('serve-round-timeout-negative', 'fedtune serve --round-timeout -1', (dir) => asServe(serve('--round-timeout', '-1')(dir)), SERVE_TIMEOUT);
refused('serve-min-clients-0', 'fedtune serve --min-clients 0', (dir) => asServe(serve('--min-clients', '0')(dir)), SERVE_TIMEOUT);
refused('serve-tokens-dev-zero', 'fedtune serve --tokens /dev/zero', (dir) => asServe(serve('--tokens', '/dev/zero')(dir)), SERVE_TIMEOUT);
refused('serve-tls-cert-alone', 'fedtune serve --tls-cert without --tls-key', (dir) => {
  symlink('/dev/null', join(dir, 'cert.pem'));
  return asServe(serve('--tls-cert', 'cert.pem')(dir));
}, SERVE_TIMEOUT);
refused('join-http-url', 'fedtune join http://127.0.0.1:1 (not ws://)', command('join', 'http://127.0.0.1:1', '--client', '0', '--token', 'x'), SERVE_TIMEOUT);
refused('join-client-range-inverted', 'fedtune join --client 5-3', command('join', 'ws://127.0.0.1:1', '--client', '5-3', '--tokens', 'tokens.json'), SERVE_TIMEOUT);
refused('join-reconnect-negative', 'fedtune join --reconnect-attempts -1', command('join', 'ws://127.0.0.1:1', '--client', '0', '--token', 'x', '--reconnect-attempts', '-1'), SERVE_TIMEOUT);

export { entries };
