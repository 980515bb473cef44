import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { isFedtuneError } from '@fedtune/core/light';
import { addCompareCommand } from './commands/compare.js';
import { addInitCommand } from './commands/init.js';
import { addJoinCommand } from './commands/join.js';
import { addListCommand } from './commands/list.js';
import { addPretrainCommand } from './commands/pretrain.js';
import { addReportCommand } from './commands/report.js';
import { addRunCommand } from './commands/run.js';
import { addScoreCommand } from './commands/score.js';
import { addServeCommand } from './commands/serve.js';
import { addTokensCommand } from './commands/tokens.js';
import { addWorkerCommand } from './commands/worker.js';
import { ExitCode, exitCodeFor } from './exitCodes.js';
import { processIo, type CliIo } from './io.js';
import { terminalText } from './terminalText.js';

// Read rather than imported from core's index, which loads tfjs: `--version` and `--help` stay instant.
const require = createRequire(import.meta.url);
const cliPackage = require('../package.json') as { version: string };
const corePackage = require('@fedtune/core/package.json') as { version: string };

const EXAMPLES = `
Examples:
  $ fedtune run examples/quickstart.json                 federated LoRA fine-tuning; results in results/
  $ fedtune run examples/quickstart.json --seed 1 --out results/seed-1
  $ fedtune run examples/quickstart.json --set training.rounds=50 --dry-run   check a variant, train nothing
  $ fedtune list                                         every component name and its options
  $ fedtune run examples/custom-plugin/experiment.json   an aggregator from a plugin package
  $ fedtune pretrain --overwrite                         rebuild the frozen base model in data/base/
  $ fedtune report results/ --target 80% --svg figures/   compare runs in one HTML page
  $ fedtune compare results/ --format markdown            the same summary table in the terminal
  $ fedtune score --model gpt2/ --file test.txt --json    perplexity of a text under a Hugging Face model
  $ fedtune tokens --clients 20 --out tokens.json         one secret per client of a networked federation
  $ fedtune serve exp.json --listen 0.0.0.0:8080 --tokens tokens.json --out results/served
  $ fedtune join ws://10.0.0.5:8080 --client 3 --token S  train as client 3 of a server's federation
  $ fedtune init experiment exp.json                     a quickstart experiment to edit, with its $schema
  $ fedtune init plugin fedtune-plugin-median            a plugin package with one aggregator and its tests
  $ fedtune run --help                                   every option and experiment-file field

Exit status: 0 done, 1 failed while running, 2 bad input (arguments, experiment file, plugin, data).
Trust: the plugins an experiment file lists (or a server names, for join) are imported and run with
your rights. Run, resume and join only experiments, results folders and servers you trust; fedtune
never imports a plugin from inside a results folder.
Writing a plugin: docs/PLUGINS.md`;

/** Builds the `fedtune` command with its subcommands, writing to `io`. */
export function createProgram(io: CliIo): Command {
  const program = new Command('fedtune')
    .description('Communication-efficient federated fine-tuning with low-rank adapters (LoRA).')
    .version(`${cliPackage.version} (core ${corePackage.version})`, '-V, --version', 'print the version')
    .option('--debug', 'print stack traces with errors')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXAMPLES);
  addRunCommand(program, io);
  addListCommand(program, io);
  addPretrainCommand(program, io);
  addReportCommand(program, io);
  addCompareCommand(program, io);
  addScoreCommand(program, io);
  addTokensCommand(program, io);
  addServeCommand(program, io);
  addJoinCommand(program, io);
  addWorkerCommand(program, io);
  addInitCommand(program, io);
  return program;
}

/**
 * Runs `fedtune` with `argv` (the arguments after the program name) and returns the exit status
 * instead of exiting, so tests can call it. Errors are printed as `error: <message>`; `--debug`
 * adds the stack.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    await createProgram(io).parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, io, argv.includes('--debug'));
  }
}

/** Characters of a message printed in full; the messages fedtune writes stay far below. */
const MAX_MESSAGE_CHARS = 4000;

/**
 * `message`, or for one that quotes megabytes of input somewhere fedtune did not shorten it, its
 * beginning and its end (where the fix is) around a note of what was left out.
 */
function boundedMessage(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  const head = message.slice(0, MAX_MESSAGE_CHARS / 2);
  const tail = message.slice(-MAX_MESSAGE_CHARS / 4);
  return `${head} … (${message.length - head.length - tail.length} characters left out) … ${tail}`;
}

function reportError(error: unknown, io: CliIo, debug: boolean): number {
  // Commander has printed its own message (or the help or version) already.
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
  const message = error instanceof Error ? error.message : String(error);
  // Messages quote what the user gave (an experiment's values, file contents): shown, not obeyed.
  io.stderr.write(`error: ${terminalText(boundedMessage(message), { keepLineFeeds: true })}\n`);
  if (debug && error instanceof Error && error.stack !== undefined) {
    io.stderr.write(`${terminalText(error.stack, { keepLineFeeds: true })}\n`);
  } else if (!isFedtuneError(error)) {
    io.stderr.write('(an unexpected error; run again with --debug to see where it happened)\n');
  }
  return exitCodeFor(error);
}
