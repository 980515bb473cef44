#!/usr/bin/env node
import { pluginBeingLoaded } from '@fedtune/core/light';
import { main } from './cli.js';
import { ExitCode } from './exitCodes.js';

// A plugin whose import awaits forever leaves Node nothing to run: it would exit (status 13) without
// a word. Every other way out of `main` settles the import first, so a pending one at exit is that case.
process.once('exit', () => {
  const plugin = pluginBeingLoaded();
  if (plugin === undefined) return;
  process.stderr.write(
    `error: plugin "${plugin}" never finished loading: its top-level code waits for something that never ` +
      'happens, so fedtune had nothing left to run. Fix or remove the plugin (list it under "plugins" only once it loads).\n',
  );
  process.exitCode = ExitCode.badInput;
});

process.exitCode = await main(process.argv.slice(2));
