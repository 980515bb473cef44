// Results folders: `--out` that is no folder, a full or read-only disk, overwriting a folder that
// holds an earlier run (stale files, a crash half-way, two runs at once), locks, and `fedtune
// report` / `compare` on folders that are damaged, missing, loops or devices.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  copyFixture,
  deepList,
  finishedRunProblem,
  fixture,
  mkfifo,
  readLedger,
  runExperimentArgs,
  smallExperiment,
  symlink,
  writeJson,
  writeText,
} from './fixtures.mjs';

const KIND = 'results-folder';
const entries = [];
const refused = (id, description, setup, extra = {}) => entries.push({ id, kind: KIND, description, expect: 'refused', setup, ...extra });
const accepted = (id, description, setup, check, extra = {}) => entries.push({ id, kind: KIND, description, expect: 'accepted', setup, check, ...extra });

const experiment = smallExperiment({ name: 'hostile-new' });
/** `run exp.json --out <out>` with the small experiment, after `make(dir)`. */
const runInto = (out, make = () => {}, extra = []) => async (dir) => {
  await make(dir);
  const { args } = runExperimentArgs(dir, experiment, extra);
  args[args.indexOf('--out') + 1] = out;
  return { args };
};
const MARKER = 'OLD-RUN-MARKER';

/**
 * `dir/out` as an earlier, finished run left it, with a compare run, adapter, resume.json, and a
 * checkpoint as a stopped run leaves one; marker files tell the earlier adapter and compare runs apart.
 */
async function earlierRun(dir) {
  const out = await copyFixture('finishedRun', join(dir, 'out'));
  cpSync(join((await fixture('stoppedRun')).out, 'checkpoint.safetensors'), join(out, 'checkpoint.safetensors'));
  writeText(join(out, 'adapter', MARKER), 'earlier run');
  writeText(join(out, 'compare', MARKER), 'earlier run');
  return out;
}

/** Files of the earlier run still in `out`. */
function earlierLeft(out, names = ['compare', 'resume.json', 'checkpoint.safetensors', join('adapter', MARKER)]) {
  return names.filter((name) => existsSync(join(out, name)));
}

const overwritten = (dir) => {
  const out = join(dir, 'out');
  const left = earlierLeft(out);
  if (left.length > 0) return `the earlier run's ${left.join(', ')} stayed beside the new run`;
  const name = JSON.parse(readFileSync(join(out, 'experiment.json'), 'utf8')).name;
  if (name !== 'hostile-new') return `experiment.json is the earlier run's (${name})`;
  return finishedRunProblem(out);
};

// ---- --out that is no folder ----------------------------------------------------------------------
refused('out-is-file', '--out names a regular file', runInto('out', (dir) => writeText(join(dir, 'out'), 'keep me')));
refused('out-under-file', '--out lies under a regular file', runInto('file/out', (dir) => writeText(join(dir, 'file'), 'keep me')));
refused('out-dev-zero-link', '--out is a link to /dev/zero', runInto('out', (dir) => symlink('/dev/zero', join(dir, 'out'))));
refused('out-fifo', '--out is a named pipe', runInto('out', (dir) => mkfifo(join(dir, 'out'))));
accepted('out-link-to-folder', '--out is a link to an empty folder', runInto('out', (dir) => {
  mkdirSync(join(dir, 'real'));
  symlink(join(dir, 'real'), join(dir, 'out'));
}), (dir) => finishedRunProblem(join(dir, 'real')));
refused('out-empty-string', '--out ""', runInto(''));
refused('out-name-too-long', '--out with a 300-character folder name', runInto('x'.repeat(300)));
refused('out-not-empty', '--out holds an earlier run and --overwrite is not given (it must stay as it was)', runInto('out', earlierRun));

/** A tmpfs of `size` mounted at `dir/mnt` (with `options`), unmounted by the returned cleanup. */
function tmpfs(dir, size, options = '') {
  const mount = join(dir, 'mnt');
  mkdirSync(mount);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${options}`, 'tmpfs', mount]);
  return () => execFileSync('umount', ['-l', mount]);
}
const onTmpfs = (size, options = '', extra = []) => async (dir) => {
  const cleanup = tmpfs(dir, size, options);
  return { ...(await runInto('mnt/out', () => {}, extra)(dir)), cleanup };
};
/** Whatever a full disk left must still be readable: a ledger that parses, no half-written JSON. */
const readableLeft = (dir) => {
  const out = join(dir, 'mnt', 'out');
  if (!existsSync(out)) return undefined;
  try {
    if (existsSync(join(out, 'ledger.jsonl'))) readLedger(join(out, 'ledger.jsonl'));
    for (const name of ['summary.json', 'experiment.json', 'resume.json']) {
      if (existsSync(join(out, name))) JSON.parse(readFileSync(join(out, name), 'utf8'));
    }
  } catch (error) {
    return `the full disk left an unreadable file: ${error.message.slice(0, 100)}`;
  }
  return undefined;
};
for (const [size, where] of [
  ['8k', 'at once'],
  ['40k', 'while the experiment and ledger are written'],
  ['600k', 'while the adapter and its base are exported'],
]) {
  refused(`out-disk-full-${size}`, `--out on a ${size} tmpfs: the disk fills ${where}`, onTmpfs(size), {
    exitCodes: [1, 2],
    snapshot: false,
    check: readableLeft,
  });
}
refused('out-disk-full-checkpoint', '--out on a 120k tmpfs with --checkpoint-every 1: the disk fills writing a checkpoint', onTmpfs('120k', '', ['--checkpoint-every', '1']), {
  exitCodes: [1, 2],
  snapshot: false,
  check: readableLeft,
});
refused('out-read-only', '--out on a read-only file system', onTmpfs('1m', ',ro'), { snapshot: false });

// ---- overwriting an earlier run -------------------------------------------------------------------
accepted(
  'overwrite-removes-earlier-run',
  "--overwrite into a folder holding an earlier run's compare/, adapter/, resume.json and checkpoint: none of them may stay beside the new run",
  runInto('out', earlierRun, ['--overwrite']),
  overwritten,
);
const roundsOf = (path) => (existsSync(path) ? readLedger(path).length : 0);
const newRunWriting = (dir) => {
  const out = join(dir, 'out');
  return JSON.parse(readFileSync(join(out, 'experiment.json'), 'utf8')).name === 'hostile-new' && roundsOf(join(out, 'ledger.jsonl')) === 1;
};
entries.push({
  id: 'overwrite-killed-at-round-1',
  kind: KIND,
  description: "--overwrite of an earlier run, killed once its first round is in the ledger: the earlier adapter must not sit beside a 1-row ledger",
  expect: 'accepted',
  setup: async (dir) => {
    await earlierRun(dir);
    const { args } = runExperimentArgs(dir, smallExperiment({ name: 'hostile-new', training: { rounds: 4 } }), ['--overwrite']);
    return { args, killWhen: newRunWriting };
  },
  check: (dir) => {
    const left = earlierLeft(join(dir, 'out'), ['compare', 'resume.json', 'checkpoint.safetensors', 'summary.json', join('adapter', MARKER)]);
    return left.length > 0 ? `the earlier run's ${left.join(', ')} stayed beside the new run's ledger` : undefined;
  },
});
/** `--overwrite` of an earlier run with `changes` merged into the new experiment. */
const overwriteWith = (changes) => async (dir) => {
  await earlierRun(dir);
  return runExperimentArgs(dir, smallExperiment({ name: 'hostile-new', ...changes }), ['--overwrite']);
};
refused('overwrite-refused-input-keeps-earlier', '--overwrite with an experiment that names an unknown compressor: the earlier run must stay whole', overwriteWith({ compressor: 'zip' }));
refused('overwrite-refused-data-keeps-earlier', '--overwrite with a data folder that does not exist: the earlier run must stay whole', overwriteWith({ data: { source: 'missing' } }));
refused('overwrite-refused-base-keeps-earlier', '--overwrite with a base model that does not exist: the earlier run must stay whole', overwriteWith({ model: { base: 'missing.safetensors' } }));
entries.push({
  id: 'overwrite-concurrent',
  kind: KIND,
  description: 'two --overwrite runs started at once into one folder holding an earlier run: one must be refused, the ledger one run\'s',
  expect: 'one-refused',
  setup: async (dir) => {
    await earlierRun(dir);
    const { args } = runExperimentArgs(dir, experiment, ['--overwrite']);
    return { runs: [{ args }, { args }] };
  },
  check: (dir) => overwritten(dir),
});
entries.push({
  id: 'new-run-concurrent',
  kind: KIND,
  description: 'two new runs started at once into one fresh --out: one must be refused',
  expect: 'one-refused',
  setup: (dir) => {
    const { args } = runExperimentArgs(dir, experiment);
    return { runs: [{ args }, { args }] };
  },
  check: (dir) => finishedRunProblem(join(dir, 'out')),
});

// ---- leftovers of killed runs and locks ------------------------------------------------------------
/** A pid above the system's largest: never a running process. */
const DEAD_PID = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')) + 1000;
accepted(
  'overwrite-stale-tmp-files',
  "--overwrite into a folder holding a killed run's stale .tmp files and lock: accepted, and they are gone",
  runInto('out', async (dir) => {
    const out = await earlierRun(dir);
    writeText(join(out, `.ledger.jsonl.${DEAD_PID}.0.tmp`), '{"round":0,"half');
    writeText(join(out, `.summary.json.${DEAD_PID}.3.tmp`), '{');
    writeText(join(out, '.fedtune.lock'), `${JSON.stringify({ pid: DEAD_PID, host: hostname(), startedAt: new Date().toISOString() })}\n`);
  }, ['--overwrite']),
  overwritten,
);
refused('lock-held-by-live-process', 'a results folder locked by a running process (this runner) on this host', runInto('out', async (dir) => {
  await earlierRun(dir);
  writeText(join(dir, 'out', '.fedtune.lock'), `${JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() })}\n`);
}, ['--overwrite']));
refused('lock-other-host', 'a results folder locked by a process on another host', runInto('out', async (dir) => {
  await earlierRun(dir);
  writeText(join(dir, 'out', '.fedtune.lock'), `${JSON.stringify({ pid: 1, host: 'elsewhere.invalid', startedAt: new Date().toISOString() })}\n`);
}, ['--overwrite']));
refused('lock-garbage', 'a lock file that is garbage', runInto('out', async (dir) => {
  await earlierRun(dir);
  writeText(join(dir, 'out', '.fedtune.lock'), '\u0000garbage');
}, ['--overwrite']));

// ---- report and compare on damaged folders ---------------------------------------------------------
/** `results/run` holding a copy of the finished run, changed by `change(results, run)`. */
const damagedResults = (change) => async (dir) => {
  const results = join(dir, 'results');
  mkdirSync(results, { recursive: true });
  const run = await copyFixture('finishedRun', join(results, 'run'));
  await change(results, run, dir);
};
const COMMANDS = {
  report: (folders) => ['report', ...folders, '--out', 'report.html'],
  compare: (folders) => ['compare', ...folders, '--format', 'json'],
};
/** One entry per command: report and compare on the folder `make` leaves. */
function onBoth(id, description, expect, make, { check, commands = ['report', 'compare'], folders = ['results'] } = {}) {
  for (const command of commands) {
    const args = COMMANDS[command](folders);
    entries.push({
      id: `${command}-${id}`,
      kind: KIND,
      description: `fedtune ${command} on ${description}`,
      expect,
      setup: async (dir) => {
        await make(dir);
        return { args };
      },
      check: check?.(command),
    });
  }
}
/** The compare JSON or report lists exactly `runs` runs. */
const listsRuns = (runs) => (command) => (dir, result) => {
  if (command === 'report') return existsSync(join(dir, 'report.html')) ? undefined : 'no report.html';
  const listed = JSON.parse(result.stdout).runs.reduce((sum, run) => sum + run.dirs.length, 0);
  return listed === runs ? undefined : `lists ${listed} run folders, not ${runs}`;
};

onBoth('results-is-file', 'a regular file', 'refused', (dir) => writeText(join(dir, 'results'), 'not a folder'));
onBoth('results-missing', 'a folder that does not exist', 'refused', () => {}, { commands: ['compare'] });
onBoth('results-empty', 'an empty folder', 'refused', (dir) => mkdirSync(join(dir, 'results')), { commands: ['report'] });
onBoth('results-dev-zero', 'a link to /dev/zero', 'refused', (dir) => symlink('/dev/zero', join(dir, 'results')));
onBoth('results-fifo', 'a named pipe', 'refused', (dir) => mkfifo(join(dir, 'results')));
/** A damaged file of one run is named in a warning, and the others are still read. */
const warnsAndLists = (file, runs) => (command) => (dir, result) =>
  result.stderr.includes(file) ? listsRuns(runs)(command)(dir, result) : `no warning names ${file}`;
// The ledger holds every round, so a run whose summary is damaged is still read, with a warning.
onBoth('summary-garbage', 'a run whose summary.json is garbage', 'accepted', damagedResults((results, run) => writeText(join(run, 'summary.json'), 'garbage{')), { check: warnsAndLists('summary.json', 2) });
onBoth('summary-5000-deep', 'a run whose summary.json nests 5,000 lists', 'accepted', damagedResults((results, run) =>
  writeText(join(run, 'summary.json'), `{"label": ${deepList(5000)}}`),
), { check: warnsAndLists('summary.json', 2), commands: ['compare'] });
onBoth('summary-dev-zero', 'a run whose summary.json is a link to /dev/zero', 'accepted', damagedResults((results, run) => {
  execFileSync('rm', [join(run, 'summary.json')]);
  symlink('/dev/zero', join(run, 'summary.json'));
}), { check: warnsAndLists('summary.json', 2), commands: ['compare'] });
onBoth('summary-wrong-types', 'a run whose summary.json gives strings for numbers', 'accepted', damagedResults((results, run) => {
  const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
  writeJson(join(run, 'summary.json'), { ...summary, rounds: 'two', finalAccuracy: 'high', totalUplinkBytes: null });
}), { check: warnsAndLists('summary.json', 2), commands: ['report'] });
// A run that cannot be read is skipped with a warning; its compare run is still read.
onBoth('experiment-json-missing', 'a run without experiment.json', 'accepted', damagedResults((results, run) => execFileSync('rm', [join(run, 'experiment.json')])), { check: warnsAndLists('experiment.json', 1), commands: ['compare'] });
onBoth('experiment-json-5000-deep', 'a run whose experiment.json holds a 5,000-deep value', 'accepted', damagedResults((results, run) =>
  writeText(join(run, 'experiment.json'), readFileSync(join(run, 'experiment.json'), 'utf8').replace('"seed": 1', `"seed": 1, "x": ${deepList(5000)}`)),
), { check: warnsAndLists('experiment.json', 1), commands: ['report'] });
onBoth('link-loop-in-run', 'a run whose compare/ holds a link back to the run', 'accepted', damagedResults((results, run) => symlink('..', join(run, 'compare', 'loop'))), { check: listsRuns(2), commands: ['report'] });
onBoth('link-loop-to-results', 'a results folder holding a link to itself', 'accepted', damagedResults((results) => symlink('.', join(results, 'loop'))), { check: listsRuns(2) });
onBoth('same-folder-twice', 'one results folder given three times, directly and through its parent (read once)', 'accepted', damagedResults(() => {}), {
  check: listsRuns(2),
  commands: ['compare'],
  folders: ['results', 'results/run', 'results/run/'],
});

// ---- where the report goes ------------------------------------------------------------------------
const reportTo = (args, make = () => {}) => async (dir) => {
  await damagedResults(() => {})(dir);
  await make(dir);
  return { args: ['report', 'results', ...args] };
};
refused('report-out-under-file', 'fedtune report --out under a regular file', reportTo(['--out', 'file/report.html'], (dir) => writeText(join(dir, 'file'), 'x')));
refused('report-out-is-folder', 'fedtune report --out naming a folder', reportTo(['--out', 'folder'], (dir) => mkdirSync(join(dir, 'folder'))));
entries.push({
  id: 'report-out-disk-full',
  kind: KIND,
  description: 'fedtune report --out on a full 16k tmpfs',
  expect: 'refused',
  exitCodes: [1, 2],
  snapshot: false,
  setup: async (dir) => {
    const plan = await reportTo(['--out', 'mnt/report.html'])(dir);
    return { ...plan, cleanup: tmpfs(dir, '16k') };
  },
});

export { entries };
