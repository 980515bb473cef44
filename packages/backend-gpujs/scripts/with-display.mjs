#!/usr/bin/env node
// Runs a command where headless-gl can open a context: as it is when an X display is set (or off
// Linux), under `xvfb-run -a` when DISPLAY is unset and xvfb-run exists, and as it is otherwise,
// so that the backend's own error says what is missing.
// Usage: node scripts/with-display.mjs <command> [args...]
import { spawnSync } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
if (command === undefined) {
  console.error('usage: node scripts/with-display.mjs <command> [args...]');
  process.exit(2);
}

const needsDisplay = process.platform === 'linux' && !process.env.DISPLAY;
const hasXvfbRun = spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status === 0;
const [program, programArgs] = needsDisplay && hasXvfbRun ? ['xvfb-run', ['-a', command, ...args]] : [command, args];

const result = spawnSync(program, programArgs, { stdio: 'inherit', shell: false });
if (result.error) {
  console.error(`could not run ${program}: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
