// What the catalogues share: the repository's paths, a small quick experiment, builders of data
// folders, plugin packages and pipes, results folders made once per runner invocation (a finished
// run, stopped runs with checkpoints), and checks of what a run left behind.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(REPO, 'packages', 'cli', 'dist', 'main.js');
export const BASE_MODEL = join(REPO, 'data', 'base', 'fashion-mnist-mlp.safetensors');
export const TEXT_BASE_MODEL = join(REPO, 'data', 'base', 'fortunes-transformer.safetensors');
export const EMBEDDED_DATA = join(REPO, 'data', 'fashion-mnist');

/** Root of every temporary folder of this invocation. */
export const TMP_ROOT = join(tmpdir(), `fedtune-hostile-${process.pid}`);

/** The IDX files of Fashion-MNIST under their original names (without `.gz`). */
export const IDX = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

/** Rounds of the small experiment. */
const ROUNDS = 2;

/** A small, quick experiment: 4 clients, 300 training and 200 test images, 2 rounds. */
export function smallExperiment(overrides = {}) {
  return merge(
    {
      name: 'hostile',
      seed: 1,
      data: { numClients: 4, trainLimit: 300, testLimit: 200 },
      training: { rounds: ROUNDS, batchSize: 32 },
    },
    overrides,
  );
}

/** `base` with `patch` merged in, objects recursively; `undefined` in the patch deletes a field. */
function merge(base, patch) {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch;
  const out = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key];
    else out[key] = key in base ? merge(base[key], value) : value;
  }
  return out;
}

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets `path` (dotted) in a copy of `object` to `value`, creating objects on the way. */
export function setPath(object, path, value) {
  const copy = structuredClone(object);
  const keys = path.split('.');
  let node = copy;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key];
  }
  node[keys.at(-1)] = value;
  return copy;
}

export function writeJson(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function writeText(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** `run exp.json --out out` in `dir`, with the experiment written there (JSON value or raw text). */
export function runExperimentArgs(dir, experiment, extra = []) {
  const path = join(dir, 'exp.json');
  if (typeof experiment === 'string' || Buffer.isBuffer(experiment)) writeText(path, experiment);
  else writeJson(path, experiment);
  return { args: ['run', 'exp.json', '--out', 'out', ...extra] };
}

/** JSON text of `leaf` nested `depth` lists deep. */
export function deepList(depth, leaf = '0') {
  return `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
}

/** JSON text of `leaf` nested `depth` objects deep, each `{"a": ...}`. */
export function deepObject(depth, leaf = '0') {
  return `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

/** A named pipe at `path` that nobody writes to. */
export function mkfifo(path) {
  mkdirSync(dirname(path), { recursive: true });
  execFileSync('mkfifo', [path]);
}

export function symlink(target, path) {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

const idxCache = new Map();
/** The decompressed bytes of one embedded IDX file (a fresh copy, free to change). */
export function idxBytes(role) {
  if (!idxCache.has(role)) idxCache.set(role, gunzipSync(readFileSync(join(EMBEDDED_DATA, `${IDX[role]}.gz`))));
  return Buffer.from(idxCache.get(role));
}

/**
 * A folder of the four IDX files, uncompressed, as `data.source` names one; `replace` maps a role to
 * bytes to write instead, or to `null` to leave that file out.
 */
export function idxFolder(dir, replace = {}) {
  mkdirSync(dir, { recursive: true });
  for (const role of Object.keys(IDX)) {
    const bytes = role in replace ? replace[role] : idxBytes(role);
    if (bytes !== null) writeFileSync(join(dir, IDX[role]), bytes);
  }
  return dir;
}

/**
 * `node_modules/@fedtune/core` (and more of the repository's packages) in `dir`, linked to the
 * repository's own, so plugins there share the running core.
 */
export function linkPackages(dir, names = ['core']) {
  for (const name of names) {
    const link = join(dir, 'node_modules', '@fedtune', name);
    if (!existsSync(link)) symlink(join(REPO, 'packages', name), link);
  }
}

/** A plugin package `name` in `dir/node_modules` whose entry module is `code` (ESM). */
export function writePlugin(dir, name, code) {
  const folder = join(dir, 'node_modules', name);
  writeJson(join(folder, 'package.json'), {
    name,
    version: '0.0.1',
    type: 'module',
    main: './index.js',
    peerDependencies: { '@fedtune/core': '*' },
  });
  writeText(join(folder, 'index.js'), code);
  linkPackages(dir);
  return folder;
}

/**
 * A plugin module registering one compressor `name` that sends raw float32 values; `encode` and
 * `decode` are JavaScript bodies run first with `update`/`payload`, `length` and `context` in scope
 * (return a value to replace the default).
 */
export function compressorPlugin(packageName, name, { encode = '', decode = '', before = '' } = {}) {
  return `import { COMPRESSOR, registerNamed } from '@fedtune/core';
${before}
const compressor = {
  name: ${JSON.stringify(name)},
  encode(update, context) {
    ${encode}
    return new Uint8Array(Float32Array.from(update).buffer);
  },
  decode(payload, length, context) {
    ${decode}
    return new Float32Array(payload.slice().buffer, 0, length);
  },
};
export const plugin = {
  name: ${JSON.stringify(packageName)},
  version: '0.0.1',
  register(container) {
    registerNamed(container, COMPRESSOR, { name: ${JSON.stringify(name)}, plugin: ${JSON.stringify(packageName)}, create: () => compressor });
  },
};
export default plugin;
`;
}

/** The rows of a ledger, parsed; throws when a line is not JSON. */
export function readLedger(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

/** Atomic-write temporaries and locks a finished run must not leave. */
const LEFTOVER = /^(\.fedtune\.lock|\..+\.\d+\.\d+\.tmp)$/;

/**
 * Why `out` is not the folder of one finished run of `rounds` rounds (undefined when it is): its
 * ledger parses, holds rounds 0..rounds-1 once each, a summary and experiment exist, and no lock,
 * temporary file or checkpoint is left.
 */
export function finishedRunProblem(out, { rounds = ROUNDS, allow = [] } = {}) {
  if (!existsSync(out)) return `${out} does not exist`;
  for (const file of ['ledger.jsonl', 'summary.json', 'experiment.json']) {
    if (!existsSync(join(out, file))) return `no ${file}`;
  }
  let rows;
  try {
    rows = readLedger(join(out, 'ledger.jsonl'));
  } catch (error) {
    return `the ledger does not parse (${error.message.slice(0, 80)})`;
  }
  if (rows.length !== rounds) return `the ledger has ${rows.length} rows, not ${rounds}`;
  if (rows.some((row, index) => row.round !== index)) return `the ledger's rounds are ${rows.map((row) => row.round).join(',')}`;
  try {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    if (summary.rounds !== rounds) return `summary.json says ${summary.rounds} rounds`;
  } catch (error) {
    return `summary.json does not parse (${error.message.slice(0, 80)})`;
  }
  const left = readdirSync(out).filter((name) => (LEFTOVER.test(name) || name === 'checkpoint.safetensors') && !allow.includes(name));
  if (left.length > 0) return `left behind: ${left.join(', ')}`;
  return undefined;
}

/** Every path under `dir` (relative), files and folders. */
export function listTree(dir, prefix = '') {
  const out = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    out.push(path);
    if (entry.isDirectory()) out.push(...listTree(dir, path));
  }
  return out;
}

// ---- results folders made once per invocation ----------------------------------------------------

const fixtures = new Map();

/**
 * The results folder named `name`, built on first use (see FIXTURES) and shared by every entry; copy
 * it (copyFixture) before changing it.
 */
export function fixture(name) {
  if (!fixtures.has(name)) fixtures.set(name, FIXTURES[name](join(TMP_ROOT, 'fixtures', name)));
  return fixtures.get(name);
}

/** A copy of fixture `name`'s results folder at `dest`; resolves to `dest`. */
export async function copyFixture(name, dest) {
  const { out } = await fixture(name);
  cpSync(out, dest, { recursive: true, verbatimSymlinks: true });
  return dest;
}

/** The AQUILA experiment: per-client memory on both sides, so checkpoints hold memory entries. */
function aquilaExperiment(rounds) {
  return smallExperiment({
    name: 'hostile-aquila',
    plugins: ['@fedtune/plugin-aquila'],
    training: { rounds, optimizer: 'sgd', learningRate: 0.1 },
    compressor: 'aquila',
    selector: { name: 'aquila', options: { fraction: 1 } },
    aggregator: 'aquila',
  });
}

const FIXTURES = {
  /** A finished run alone: no compare runs, no checkpoint. */
  finishedSingle: (dir) => buildRun(dir, smallExperiment(), []),
  /** A finished run with a compare entry: adapter/, compare/<label>/, resume.json. */
  finishedRun: (dir) =>
    buildRun(dir, smallExperiment({ compare: [{ label: 'head only', adapter: { name: 'head' } }] }), ['--checkpoint-every', '1']),
  /** A run of 3 rounds killed once its first checkpoint is written. */
  stoppedRun: (dir) => buildStopped(dir, smallExperiment({ training: { rounds: 3 } })),
  /** The AQUILA run of 3 rounds, killed once its first checkpoint is written: memory in the checkpoint. */
  stoppedAquila: (dir) => buildStopped(dir, aquilaExperiment(3), ['core', 'plugin-aquila']),
};

async function buildRun(dir, experiment, extra, packages = ['core']) {
  const { runFedtune } = await import('./harness.mjs');
  mkdirSync(dir, { recursive: true });
  linkPackages(dir, packages);
  writeJson(join(dir, 'exp.json'), experiment);
  const result = await runFedtune({ args: ['run', 'exp.json', '--out', 'out', ...extra], cwd: dir });
  if (result.code !== 0) throw new Error(`fixture ${dir} failed (exit ${result.code}): ${result.stderr.slice(0, 300)}`);
  return { dir, out: join(dir, 'out') };
}

async function buildStopped(dir, experiment, packages = ['core']) {
  const { runFedtune } = await import('./harness.mjs');
  mkdirSync(dir, { recursive: true });
  linkPackages(dir, packages);
  writeJson(join(dir, 'exp.json'), experiment);
  const out = join(dir, 'out');
  const result = await runFedtune({
    args: ['run', 'exp.json', '--out', 'out', '--checkpoint-every', '1'],
    cwd: dir,
    killWhen: () => existsSync(join(out, 'checkpoint.safetensors')),
  });
  if (result.killedFor !== 'planned' || !existsSync(join(out, 'checkpoint.safetensors'))) {
    throw new Error(`fixture ${dir} was not stopped at a checkpoint (exit ${result.code}): ${result.stderr.slice(0, 300)}`);
  }
  return { dir, out, rounds: experiment.training.rounds };
}
