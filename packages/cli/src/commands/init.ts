import type { Command } from 'commander';
import type { InitExperimentOptions } from '../actions/initExperiment.js';
import type { InitPluginOptions } from '../actions/initPlugin.js';
import type { CliIo } from '../io.js';

/** Adds `fedtune init` and its subcommands, which write starting files for the user to edit. */
export function addInitCommand(program: Command, io: CliIo): void {
  const init = program.command('init').description('write a starting experiment file or plugin package');
  init
    .command('experiment')
    .description('write an experiment file whose "$schema" lets editors check and complete it')
    .argument('[file]', 'the experiment file to write', 'experiment.json')
    .option('--from <template>', 'the example to start from (quickstart)', 'quickstart')
    .option('--overwrite', 'replace an existing file')
    .action(async (file: string, options: InitExperimentOptions) =>
      (await import('../actions/initExperiment.js')).initExperimentCommand(file, options, io),
    );
  init
    .command('plugin')
    .description('write a plugin package with one component, its build and its tests')
    .argument('<name>', 'the npm package name, such as fedtune-plugin-median')
    .option('--dir <dir>', 'the folder to write the package to (default: the last part of the name)')
    .option('--kind <kind>', 'the component: aggregator, compressor, selector, adapter or backend', 'aggregator')
    // ISC is what `npm init --yes` writes.
    .option('--license <spdx>', "the package's licence, an SPDX identifier such as MIT or Apache-2.0", 'ISC')
    .action(async (name: string, options: InitPluginOptions) =>
      (await import('../actions/initPlugin.js')).initPluginCommand(name, options, io),
    );
}
