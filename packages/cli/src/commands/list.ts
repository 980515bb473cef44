import type { Command } from 'commander';
import type { ListCommandOptions } from '../actions/list.js';
import type { CliIo } from '../io.js';

/** Adds `fedtune list`. */
export function addListCommand(program: Command, io: CliIo): void {
  program
    .command('list')
    .description(
      'list every component an experiment file can name (backend, adapter, compressor, selector, aggregator, channel, ' +
        'dataset, partition, architecture) from core and every installed plugin, with its options',
    )
    .option('--json', 'print the list as JSON (the shape docs/CLI.md describes)')
    .addHelpText(
      'after',
      '\nPlugins are the installed packages whose package.json has the keyword "fedtune-plugin" or\n' +
        '"fedtune": { "plugin": true }, found in node_modules here and in every folder above. Each is\n' +
        'listed from the component manifest its package.json names ("fedtune": { "components": … }),\n' +
        'or else by loading it, as a run does.',
    )
    .action(async (options: ListCommandOptions) => (await import('../actions/list.js')).listCommand(options, io));
}
