import type { Command } from 'commander';
import type { WorkerCommandOptions } from '../actions/worker.js';
import type { CliIo } from '../io.js';
import { integerIn } from '../optionParsers.js';

/** Adds `fedtune worker --queue URL`. */
export function addWorkerCommand(program: Command, io: CliIo): void {
  program
    .command('worker')
    .description(
      'train the clients of `fedtune run --queue` runs: take jobs off a Redis queue until stopped (Ctrl-C); ' +
        'start any number, on any machine with the experiment\'s plugins and data',
    )
    .requiredOption('--queue <url>', 'the Redis server: redis://[user:password@]host[:port][/db], or rediss://… for TLS')
    .option('--concurrency <n>', 'jobs trained at once, each in a worker thread (default 1)', integerIn(1, 1024), 1)
    .option('--data <dir>', "folder the experiment's relative data and base paths and its plugins start from (default: the run's experiment folder)")
    .option(
      '--lock-ms <ms>',
      "how long a job stays with a worker that stopped answering before another takes it (default 30000); keep it above the longest job's pauses",
      integerIn(1000, 86_400_000),
    )
    .action(async (options: WorkerCommandOptions) => (await import('../actions/worker.js')).workerCommand(options, io));
}
