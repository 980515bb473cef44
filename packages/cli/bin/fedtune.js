#!/usr/bin/env node
// The `fedtune` command. npm links a package's bin when it installs it, before anything is built,
// and skips a bin whose file is missing; so this committed file is the bin, and it runs the compiled
// CLI — or says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  process.stderr.write(
    `error: fedtune is not built yet (${fileURLToPath(compiled)} is missing). ` +
      'In the fedtune repository, run `npm start` (builds, then runs the quickstart) or `npm run build`; ' +
      'an installed @fedtune/cli ships it built, so reinstall it.\n',
  );
  process.exitCode = 1;
}
