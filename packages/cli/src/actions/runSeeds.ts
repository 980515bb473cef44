import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, defaultWorkerCount, FedtuneError, readExperimentFile } from '@fedtune/core';
import { displayPath } from '../displayPath.js';
import { ExitCode } from '../exitCodes.js';
import type { CliIo } from '../io.js';
import { defaultOutDir } from '../outputFolder.js';
import { seedParallelism } from '../seedParallelism.js';
import { settingsEdit } from '../settings.js';
import { terminalText } from '../terminalText.js';
import { compareCommand } from './compare.js';
import type { RunCommandOptions } from './run.js';

/** The `fedtune` command each seed runs as: the same package's bin, built or not. */
const bin = fileURLToPath(new URL('../../bin/fedtune.js', import.meta.url));
/** The lines of a failed seed's error output printed under its line. */
const FAILURE_LINES_SHOWN = 20;

/** How one seed's `fedtune run` process ended. */
interface SeedExit {
  seed: number;
  dir: string;
  code: number;
  stderr: string;
  wallMs: number;
}

/**
 * `fedtune run EXP --seeds LIST`: runs `fedtune run EXP --seed n --out <out>/seed-<n>` for every
 * seed, as child processes, `--parallel` at a time; prints a line as each seed ends and then the
 * seeds' summary as `fedtune compare` prints it, mean ± std over seeds.
 * @throws ConfigError for a missing or invalid experiment file, or when every failed seed failed on
 *   bad input; FedtuneError when a seed failed while running. Either names the seeds, after the
 *   others have finished.
 */
export async function runSeedsCommand(file: string | undefined, options: RunCommandOptions, io: CliIo): Promise<void> {
  const seeds = options.seeds as number[];
  if (file === undefined) {
    throw new ConfigError('fedtune run --seeds needs an experiment file (fedtune run experiment.json --seeds 1-3).');
  }
  // Read here too, so a bad file or --set fails once rather than once per seed, and names the default folder.
  const { experiment } = await readExperimentFile(file, settingsEdit(options.set ?? []));
  const outDir = resolve(options.out ?? defaultOutDir(experiment.name, new Date()));
  const { parallel, workersPerSeed } = seedParallelism(seeds.length, defaultWorkerCount(), options.parallel, options.workers);
  const seedDir = (seed: number) => join(outDir, `seed-${seed}`);
  io.stdout.write(
    `seeds ${seeds.join(', ')}: ${parallel} at a time, ${workersPerSeed} worker${workersPerSeed === 1 ? '' : 's'} each; ` +
      `results in ${displayPath(outDir)}/seed-<n>/\n`,
  );

  const sharedArgs = seedRunArgs(resolve(file), options, workersPerSeed);
  const exits = await inParallel(seeds, parallel, async (seed) => {
    const dir = seedDir(seed);
    const exit = await runSeed(seed, dir, [...sharedArgs, '--seed', String(seed), '--out', dir]);
    io.stdout.write(`${seedLine(exit, displayPath(dir))}\n`);
    return exit;
  });

  const failed = exits.filter((exit) => exit.code !== ExitCode.ok);
  const finished = exits.filter((exit) => exit.code === ExitCode.ok).map((exit) => exit.dir);
  if (finished.length > 0) {
    io.stdout.write('\n');
    // The runs' own labels, as the table of a single `fedtune run` names them.
    await compareCommand(finished, { format: 'table', labels: 'experiment' }, io);
    io.stdout.write(`results: ${displayPath(outDir)}\n`);
  }
  if (failed.length > 0) {
    const message =
      `seed${failed.length === 1 ? '' : 's'} ${failed.map((exit) => exit.seed).join(', ')} of ${seeds.length} failed ` +
      `(see above); rerun one alone with --seed n --out ${displayPath(outDir)}/seed-<n> --overwrite`;
    throw failed.every((exit) => exit.code === ExitCode.badInput) ? new ConfigError(message) : new FedtuneError(message);
  }
}

/** The arguments every seed's `fedtune run` shares: the file, and the options that are not about seeds. */
function seedRunArgs(file: string, options: RunCommandOptions, workers: number): string[] {
  return [
    'run',
    file,
    ...(options.backend === undefined ? [] : ['--backend', options.backend]),
    ...(options.set ?? []).flatMap((setting) => ['--set', setting.text]),
    ...(options.overwrite === true ? ['--overwrite'] : []),
    ...(options.checkpointEvery === undefined ? [] : ['--checkpoint-every', String(options.checkpointEvery)]),
    '--workers',
    String(workers),
  ];
}

/** Runs `fedtune <args>` for one seed; its output is kept, to show should it fail. */
function runSeed(seed: number, dir: string, args: string[]): Promise<SeedExit> {
  const started = Date.now();
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  // Its progress lines are dropped: the seed's ledger holds every round, and one line per seed stays readable.
  child.stdout.resume();
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => {
    const end = (code: number) => done({ seed, dir, code, stderr, wallMs: Date.now() - started });
    child.on('error', (error) => {
      stderr += `${error.message}\n`;
      end(ExitCode.failure);
    });
    child.on('close', (code) => end(code ?? ExitCode.failure));
  });
}

/** `seed 3 done in 12.3 s: results/x/seed-3`, or for a failed seed its status and the end of its error output. */
function seedLine({ seed, code, stderr, wallMs }: SeedExit, dir: string): string {
  const took = `${(wallMs / 1000).toFixed(1)} s`;
  if (code === ExitCode.ok) return `seed ${seed} done in ${took}: ${dir}`;
  const lines = stderr.trimEnd().split('\n').slice(-FAILURE_LINES_SHOWN);
  // The seed's messages quote the experiment's values: shown, not obeyed.
  return [`seed ${seed} failed in ${took} (exit status ${code}):`, ...lines.map((line) => `  ${terminalText(line)}`)].join('\n');
}

/** `work` on every item, at most `limit` at a time, its results in the items' order. */
async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
