// Ledgers read by `fedtune report` and `fedtune compare`: garbage lines, absurd rounds and values,
// deep nesting, huge lines, rows out of order, files that are devices or pipes, and the half line a
// killed run leaves.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, deepList, mkfifo, readLedger, symlink, writeText } from './fixtures.mjs';

const KIND = 'ledger';
const entries = [];
const COMMANDS = {
  report: ['report', 'results', '--out', 'report.html'],
  compare: ['compare', 'results', '--format', 'json'],
};

/**
 * `results/run`: a copy of `fixtureName` (by default a run without compare runs, so a damaged ledger
 * leaves nothing readable and the command must refuse) whose ledger `change(path, rows)` rewrites.
 */
const withLedger = (change, fixtureName = 'finishedSingle') => async (dir) => {
  const run = await copyFixture(fixtureName, join(dir, 'results', 'run'));
  const path = join(run, 'ledger.jsonl');
  await change(path, readLedger(path));
};
/** A ledger of these lines (strings, or rows to serialise). */
const lines = (path, items) => writeText(path, items.map((item) => `${typeof item === 'string' ? item : JSON.stringify(item)}\n`).join(''));

/** Entries of `fedtune <command>` on the changed ledger, for each of `commands`. */
function entry(id, description, expect, change, { commands = ['report', 'compare'], fixtureName, check } = {}) {
  for (const command of commands) {
    entries.push({
      id: `${command}-ledger-${id}`,
      kind: KIND,
      description: `fedtune ${command} on a ledger ${description}`,
      expect,
      setup: async (dir) => {
        await withLedger(change, fixtureName)(dir);
        return { args: COMMANDS[command] };
      },
      check: check?.(command),
    });
  }
}

entry('garbage-line', 'with a garbage line between its rows', 'refused', (path, rows) => lines(path, [rows[0], '\u0000\u0001 garbage {{', rows[1]]));
entry('round-1e15', 'whose second row is round 1e15', 'refused', (path, rows) => lines(path, [rows[0], { ...rows[1], round: 1e15 }]));
entry('5000-deep', 'whose row holds a 5,000-deep value', 'refused', (path, rows) =>
  lines(path, [rows[0], JSON.stringify(rows[1]).replace('{', `{"metrics":${deepList(5000)},`)]),
);
entry('100000-deep', 'whose row holds a 100,000-deep value', 'refused', (path, rows) =>
  lines(path, [rows[0], JSON.stringify(rows[1]).replace('{', `{"x":${deepList(100_000)},`)]), { commands: ['compare'] },
);
entry('dev-zero', 'that is a link to /dev/zero', 'refused', (path) => {
  rmSync(path);
  symlink('/dev/zero', path);
});
entry('fifo', 'that is a named pipe nobody writes to', 'refused', (path) => {
  rmSync(path);
  mkfifo(path);
});
// The first row is damaged: a damaged last row may be the half line a killed run leaves.
entry('accuracy-infinite', 'whose first row has testAccuracy 1e400', 'refused', (path, rows) => lines(path, [JSON.stringify(rows[0]).replace(/"testAccuracy":[^,]+/, '"testAccuracy":1e400'), rows[1]]), { commands: ['report'] });
entry('accuracy-above-1', 'whose first row has testAccuracy 7', 'refused', (path, rows) => lines(path, [{ ...rows[0], testAccuracy: 7 }, rows[1]]), { commands: ['compare'] });
entry('rounds-out-of-order', 'whose rows are rounds 1 then 0', 'refused', (path, rows) => lines(path, [rows[1], rows[0]]), { commands: ['compare'] });
entry('round-repeated', 'whose rows are round 0 twice', 'refused', (path, rows) => lines(path, [rows[0], rows[0]]), { commands: ['report'] });
entry('empty', 'that is empty under a finished summary', 'refused', (path) => writeText(path, ''), { commands: ['compare'] });
entry('missing', 'that is missing', 'refused', (path) => rmSync(path), { commands: ['report'] });
entry('more-rows-than-summary', 'of 5 rows under a summary of 2 rounds', 'refused', (path, rows) =>
  lines(path, [0, 1, 2, 3, 4].map((round) => ({ ...rows[round % 2], round }))), { commands: ['compare'] },
);

/** A finished run's report or comparison, listing the run with `rounds` rounds finished. */
const lists = (rounds) => (command) => (dir, result) => {
  if (command === 'report') return existsSync(join(dir, 'report.html')) ? undefined : 'no report.html';
  const [run] = JSON.parse(result.stdout).runs;
  return run?.roundsFinished?.[0] === rounds ? undefined : `reports ${JSON.stringify(run?.roundsFinished)} rounds finished, not ${rounds}`;
};
// Rows may carry fields this release does not know; a huge one must still be read within bounds.
entry('huge-line', 'with a 30 MB row (a huge unknown string field)', 'accepted', (path, rows) => lines(path, [rows[0], { ...rows[1], note: 'x'.repeat(30 * 1024 * 1024) }]), {
  commands: ['report'],
  check: lists(2),
});
entry('crlf', 'written with CRLF line ends', 'accepted', (path, rows) => writeText(path, rows.map((row) => `${JSON.stringify(row)}\r\n`).join('')), { check: lists(2) });
entry('half-last-line', "of a stopped run ending in the half line a kill left", 'accepted', (path) =>
  writeText(path, `${readFileSync(path, 'utf8')}{"round":1,"participants":4,"upl`), { fixtureName: 'stoppedRun', check: lists(1) },
);

export { entries };
