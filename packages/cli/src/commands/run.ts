import { createRequire } from 'node:module';
import { Option, type Command } from 'commander';
import { ConfigError, defaultWorkerCount, schemaFields, type JsonSchemaNode } from '@fedtune/core/light';
import type { RunCommandOptions } from '../actions/run.js';
import type { CliIo } from '../io.js';
import { integerIn } from '../optionParsers.js';
import { MAX_SEEDS, parseSeedList } from '../seedList.js';
import { parseSetting } from '../settings.js';

/** Adds `fedtune run <experiment.json>`. */
export function addRunCommand(program: Command, io: CliIo): void {
  program
    .command('run')
    .description('run an experiment file (and each of its "compare" runs), then print a summary table')
    .argument('[experiment]', 'the experiment file (.json); omit it with --resume')
    .option('-o, --out <dir>', 'results folder (default: results/<name>-<YYYYMMDD-HHMMSS>)')
    .option('--backend <name>', 'numeric backend, replacing the file\'s "backend" (core has: reference)')
    .option('--seed <n>', 'seed, replacing the file\'s "seed"', integerIn(0, 0xffffffff))
    .addOption(
      new Option(
        '--seeds <list>',
        'run once per seed, e.g. 1,2,3 or 1-5 or 1-3,7: each seed as `--seed n --out <out>/seed-<n>` would, into ' +
          '<out>/seed-<n>/, several at once; then print the summary as mean ± std over the seeds',
      )
        .argParser(parseSeedList)
        .conflicts(['seed', 'resume', 'dryRun']),
    )
    .option(
      '--parallel <n>',
      'with --seeds: seeds run at once (default: as many as the cores hold at --workers each, one each without it)',
      integerIn(1, MAX_SEEDS),
    )
    .option(
      '--set <path=value>',
      'replace one field of the experiment file (repeatable): a dotted path, array indices as numbers, and a JSON ' +
        'value or else text, e.g. --set training.rounds=50 --set compressor.options.levels=4',
      (text: string, earlier: RunCommandOptions['set']) => [...(earlier ?? []), parseSetting(text)],
    )
    .option(
      '--dry-run',
      'load the plugins, components, data and base, print what would run (rounds, clients, parameters, bytes, memory), ' +
        'and stop: nothing is trained or written',
    )
    .option('--overwrite', 'replace everything a --out folder holds, once the new run has loaded its inputs')
    .option('--checkpoint-every <k>', 'save the server state every k rounds, so the run can be resumed', integerIn(1, 1_000_000))
    .option('--resume <dir>', 'go on with a stopped run started with --checkpoint-every, from its results folder')
    .option(
      '--workers <n>',
      `worker threads that train clients (default: one per core, ${defaultWorkerCount()} here; never more than the cores ` +
        'or the client slots a round trains; results do not depend on it)',
      integerIn(1, 1024),
    )
    .addOption(
      new Option(
        '--queue <url>',
        'train clients on `fedtune worker` processes through the Redis server at redis://[user:password@]host[:port][/db] ' +
          '(rediss://… for TLS); results are the same as without it',
      ).conflicts(['workers', 'seeds', 'dryRun']),
    )
    .addHelpText('after', () => `\n${experimentFileHelp()}`)
    .action(async (file: string | undefined, options: RunCommandOptions) => {
      if (options.seeds !== undefined) return (await import('../actions/runSeeds.js')).runSeedsCommand(file, options, io);
      if (options.parallel !== undefined) {
        throw new ConfigError('--parallel sets how many seeds of --seeds run at once; add --seeds LIST, or drop --parallel.');
      }
      const { resumeCommand, runCommand } = await import('../actions/run.js');
      return options.resume === undefined ? runCommand(file, options, io) : resumeCommand(file, options, io);
    });
}

/**
 * The experiment file's fields for `fedtune run --help`, from the JSON Schema core generates from the
 * schema that validates it (read as JSON, so help does not wait for zod to load).
 */
function experimentFileHelp(): string {
  const schema = createRequire(import.meta.url)('@fedtune/core/experiment.schema.json') as JsonSchemaNode;
  const fields = schemaFields(schema);
  const width = Math.max(...fields.map((field) => field.path.length)) + 2;
  const lines = fields.map((field) => {
    const marker = field.required ? '*' : ' ';
    const fallback = field.defaultValue === undefined ? '' : ` (default ${field.defaultValue})`;
    return `  ${marker} ${field.path.padEnd(width)}${field.allowed}${fallback}`;
  });
  return [
    'Experiment file (JSON; * = required, the rest have defaults):',
    ...lines,
    '',
    'Components (backend, compressor, selector, aggregator, channel) are a name or',
    '{ "name": ..., "options": { ... } }; plugins listed under "plugins" add more names.',
    '`fedtune list` shows every component name and its options.',
    'Editors validate files whose "$schema" points at docs/experiment.schema.json.',
  ].join('\n');
}
