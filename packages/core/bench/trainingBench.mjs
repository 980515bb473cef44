// What the training benches (training.mjs, text-training.mjs) share: the builds to compare, running
// one measurement in a child process (trainingWorkload.mjs for fedtune, training_torch.py for
// PyTorch), and the alternation of those runs so that a busy machine slows every side alike.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { median } from './benchResults.mjs';

const run = promisify(execFile);
const workloadScript = fileURLToPath(new URL('./trainingWorkload.mjs', import.meta.url));
const torchScript = fileURLToPath(new URL('./training_torch.py', import.meta.url));
/** The repository's data/ folder: a baseline build outside the repository finds the embedded data here. */
const dataDir = fileURLToPath(new URL('../../../data/', import.meta.url));
/** Debian's interpreter, where python3-torch installs PyTorch (not a pyenv python3 on PATH). */
export const PYTHON = '/usr/bin/python3';

/**
 * The builds to measure: this package's dist/ and, with `--baseline DIR`, another build of
 * @fedtune/core (say, a worktree of the last commit, built, its packages/core/dist).
 */
export function buildsFromArguments(argv = process.argv.slice(2)) {
  const builds = [{ name: 'current', dist: new URL('../dist/', import.meta.url).href }];
  const at = argv.indexOf('--baseline');
  if (at >= 0) {
    const dir = argv[at + 1];
    if (dir === undefined || !existsSync(resolve(dir, 'model/index.js'))) {
      throw new Error(
        `--baseline needs a built @fedtune/core dist folder (one holding model/index.js), got ${dir}; build the other commit first.`
      );
    }
    builds.push({ name: 'baseline', dist: `${pathToFileURL(resolve(dir)).href}/` });
  }
  return builds;
}

/** Why PyTorch cannot be measured here, or undefined when it can. */
export function torchUnavailable() {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error !== undefined) return `${PYTHON} does not run (${probe.error.message})`;
  if (probe.status !== 0) return `${PYTHON} has no torch; install Debian's python3-torch`;
  return undefined;
}

/** One fedtune measurement of `build` in a fresh process; its JSON line. */
export async function fedtune(build, settings) {
  const { stdout } = await run(process.execPath, [workloadScript, JSON.stringify({ dist: build.dist, ...settings })], {
    maxBuffer: 1 << 24,
    env: { ...process.env, FEDTUNE_DATA_DIR: process.env.FEDTUNE_DATA_DIR ?? dataDir },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

/** One PyTorch measurement (one thread) in a fresh process; its JSON line. */
export async function torch(settings) {
  const args = [torchScript, '--workload', settings.workload, '--samples', String(settings.samples), '--runs', String(settings.runs)];
  const { stdout } = await run(PYTHON, args, { maxBuffer: 1 << 24 });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

/**
 * `repeats` rounds of one measurement per side, the sides in turn within each round; returns each
 * side's measurements in order.
 */
export async function alternate(sides, repeats) {
  const measured = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const [name, measure] of Object.entries(sides)) {
      const result = await measure();
      measured[name].push(result);
      console.error(`  ${name} ${repeat + 1}/${repeats}`);
    }
  }
  return measured;
}

/**
 * The median throughput (`key` per wall second, and per CPU second: a busy machine's other work
 * lengthens the wall clock far more than the CPU time) over every timed run, and the median peak RSS.
 */
export function summarise(measurements, key) {
  const runs = measurements.flatMap((m) => m.runs);
  const perCpuSecond = (r) => (r[key] * r.seconds) / r.cpuSeconds;
  return {
    [key]: median(runs.map((r) => r[key])),
    [`${key.replace('PerSecond', '')}PerCpuSecond`]: median(runs.map(perCpuSecond)),
    peakRssBytes: median(measurements.map((m) => m.peakRssBytes)),
    runs,
  };
}
