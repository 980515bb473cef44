#!/usr/bin/env node
// Hostile and careless inputs against the built `fedtune` CLI.
//
//   node scripts/hostile-inputs/run.mjs [--only kind[,kind]] [--match=text[,text]] [--jobs 2] [--keep] [--list]
//
// Builds nothing: run `npm run build` first. Every input runs as its own process (heap capped at
// 768 MB, resident memory watched, 120 s hang timeout) in a fresh folder under the system's
// temporary folder. Outcomes:
//   clear    a refusal was expected: exit 2 and one bounded `error:` message, the folder unchanged
//   handled  acceptance was expected: exit 0 and the entry's check passes
//   silent   exit 0 where a refusal was expected
//   wrong    the check failed (wrong values, a mixed or corrupted results folder), or a refusal
//            changed the folder
//   crash    a stack trace, an "unexpected error", a signal, or memory over the cap
//   hang     no exit within the timeout
//   unclear  refused, but not with one bounded error message or with an exit code the entry allows
//   refused  a clear refusal where acceptance was expected
//   error    the entry's own setup failed (a defect of this catalogue, not of fedtune)
// Prints counts per outcome and per kind, and writes bench/results/hostile-inputs.json. A run of a
// selection (--only, --match) replaces those inputs' records in the file and keeps the others.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI, REPO, TMP_ROOT } from './fixtures.mjs';
import { classify, classifyPair, HANG_TIMEOUT_S, HEAP_CAP_MB, RSS_CAP_MB, runFedtune, snapshot, snapshotChange, STDERR_BOUND } from './harness.mjs';

const CATALOGUES = [
  'experimentFiles.mjs',
  'dataFiles.mjs',
  'baseModels.mjs',
  'resultsFolders.mjs',
  'checkpoints.mjs',
  'ledgers.mjs',
  'plugins.mjs',
  'arguments.mjs',
];
const OUTCOMES = ['clear', 'handled', 'silent', 'wrong', 'crash', 'hang', 'unclear', 'refused', 'error'];
const RESULTS_FILE = join(REPO, 'bench', 'results', 'hostile-inputs.json');

const { values: options } = parseArgs({
  options: {
    only: { type: 'string' },
    match: { type: 'string' },
    jobs: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
  },
});

const catalogue = [];
for (const file of CATALOGUES) {
  const module = await import(`./${file}`);
  catalogue.push(...module.entries);
}
checkCatalogue(catalogue);

const kinds = options.only?.split(',');
const matches = options.match?.split(',');
const selected = catalogue.filter(
  (entry) => (kinds === undefined || kinds.includes(entry.kind)) && (matches === undefined || matches.some((text) => entry.id.includes(text))),
);

if (options.list) {
  for (const entry of selected) console.log(`${entry.kind.padEnd(12)} ${entry.expect.padEnd(10)} ${entry.id}  ${entry.description}`);
  printTable(countBy(selected.map((entry) => ({ kind: entry.kind, outcome: entry.expect }))), ['refused', 'accepted', 'one-refused']);
  process.exit(0);
}
if (!existsSync(CLI)) {
  console.error(`error: ${CLI} is missing; build the CLI first (npm run build).`);
  process.exit(2);
}

const jobs = Math.max(1, Number(options.jobs) || 1);
console.log(`${selected.length} inputs, ${jobs} at a time; temporary folders under ${TMP_ROOT}`);
const records = new Array(selected.length);
let next = 0;
let done = 0;
await Promise.all(
  Array.from({ length: Math.min(jobs, selected.length) }, async () => {
    while (next < selected.length) {
      const index = next++;
      const entry = selected[index];
      records[index] = await runEntry(entry);
      done += 1;
      const record = records[index];
      const seconds = (record.durationMs / 1000).toFixed(1).padStart(6);
      console.log(`[${String(done).padStart(3)}/${selected.length}] ${record.outcome.padEnd(8)} ${seconds}s ${entry.kind.padEnd(12)} ${entry.id}${record.reason ? `  (${record.reason})` : ''}`);
    }
  }),
);
if (!options.keep) rmSync(TMP_ROOT, { recursive: true, force: true });

const all = mergeWithSaved(records, catalogue);
const counts = countBy(all);
printTable(counts, OUTCOMES);
mkdirSync(join(REPO, 'bench', 'results'), { recursive: true });
writeFileSync(
  RESULTS_FILE,
  `${JSON.stringify(
    {
      description: 'Hostile and careless inputs run against the built fedtune CLI (scripts/hostile-inputs/run.mjs).',
      generatedAt: new Date().toISOString(),
      // The packages run are whatever was last built: their build times say which code was measured.
      builtAt: Object.fromEntries(['core', 'cli', 'report', 'network'].map((name) => [name, builtAt(name)])),
      limits: { heapCapMb: HEAP_CAP_MB, rssCapMb: RSS_CAP_MB, hangTimeoutS: HANG_TIMEOUT_S, stderrBoundBytes: STDERR_BOUND },
      total: all.length,
      outcomes: counts.total,
      byKind: counts.byKind,
      inputs: all,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${RESULTS_FILE}`);

async function runEntry(entry) {
  const dir = join(TMP_ROOT, 'entries', entry.id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  let plan;
  let record;
  try {
    plan = (await entry.setup(dir)) ?? {};
    const runs = plan.runs ?? [plan];
    const watchSnapshot = entry.expect === 'refused' && entry.snapshot !== false;
    const before = watchSnapshot ? snapshot(dir) : undefined;
    const results = await Promise.all(
      runs.map((run) =>
        runFedtune({ args: run.args, cwd: run.cwd ?? dir, env: run.env, timeoutS: entry.timeoutS ?? HANG_TIMEOUT_S, killWhen: run.killWhen?.bind(null, dir) }),
      ),
    );
    const changed = before === undefined ? undefined : snapshotChange(before, snapshot(dir));
    let checkProblem;
    if (entry.check !== undefined) {
      try {
        checkProblem = await entry.check(dir, results.length === 1 ? results[0] : results);
      } catch (error) {
        checkProblem = `check failed: ${error.message}`;
      }
    }
    const verdict = entry.expect === 'one-refused' ? classifyPair(results, checkProblem) : classify(entry, results[0], { changed, checkProblem });
    const main = results.find((result) => result.code !== 0) ?? results[0];
    record = {
      ...describe(entry),
      ...verdict,
      ranAt: new Date(started).toISOString(),
      exitCode: results.map((result) => result.code).join(','),
      signal: results.map((result) => result.signal).find((signal) => signal !== null) ?? null,
      durationMs: Math.max(...results.map((result) => result.durationMs)),
      peakRssMb: Math.round(Math.max(...results.map((result) => result.peakRssMb))),
      stderr: withoutMachinePaths(main.stderr, dir).slice(0, 300),
    };
  } catch (error) {
    record = { ...describe(entry), outcome: 'error', reason: `setup: ${String(error.message ?? error).slice(0, 200)}`, durationMs: Date.now() - started, stderr: '' };
  } finally {
    try {
      await plan?.cleanup?.();
    } catch {
      // A cleanup that fails (a mount already gone) must not stop the others.
    }
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
  return record;
}

/**
 * `text` with this machine's folders named generically: the input's folder as `<input>`, the
 * other temporary folders as `<tmp>` and the repository as `<repo>`, so the saved results name no
 * machine's paths.
 */
function withoutMachinePaths(text, dir) {
  return text.replaceAll(dir, '<input>').replaceAll(TMP_ROOT, '<tmp>').replaceAll(REPO.replace(/\/$/, ''), '<repo>');
}

/** When a package's dist/ was last built (its entry's modification time), or null without one. */
function builtAt(name) {
  const entry = join(REPO, 'packages', name, 'dist', 'index.js');
  return existsSync(entry) ? statSync(entry).mtime.toISOString() : null;
}

function describe(entry) {
  return { id: entry.id, kind: entry.kind, description: entry.description, expect: entry.expect };
}

function checkCatalogue(entries) {
  const ids = new Set();
  for (const entry of entries) {
    if (ids.has(entry.id)) throw new Error(`two entries are named ${entry.id}`);
    ids.add(entry.id);
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(entry.id)) throw new Error(`entry id ${entry.id} is not kebab-case`);
    if (!['refused', 'accepted', 'one-refused'].includes(entry.expect)) throw new Error(`${entry.id}: expect ${entry.expect}`);
    if (typeof entry.setup !== 'function' || typeof entry.description !== 'string') throw new Error(`${entry.id}: no setup or description`);
  }
}

/** This run's records with the saved ones of inputs not run this time (still in the catalogue). */
function mergeWithSaved(fresh, entries) {
  const byId = new Map();
  if (fresh.length < entries.length && existsSync(RESULTS_FILE)) {
    try {
      for (const input of JSON.parse(readFileSync(RESULTS_FILE, 'utf8')).inputs ?? []) byId.set(input.id, input);
    } catch {
      // An unreadable earlier file is replaced.
    }
  }
  for (const record of fresh) byId.set(record.id, record);
  return entries.filter((entry) => byId.has(entry.id)).map((entry) => byId.get(entry.id));
}

function countBy(records) {
  const total = {};
  const byKind = {};
  for (const { kind, outcome } of records) {
    total[outcome] = (total[outcome] ?? 0) + 1;
    byKind[kind] ??= {};
    byKind[kind][outcome] = (byKind[kind][outcome] ?? 0) + 1;
  }
  return { total, byKind };
}

function printTable({ total, byKind }, columns) {
  const shown = columns.filter((column) => total[column] !== undefined);
  const width = Math.max(5, ...Object.keys(byKind).map((kind) => kind.length));
  const row = (name, counts) =>
    `${name.padEnd(width)} ${shown.map((column) => String(counts[column] ?? 0).padStart(Math.max(column.length, 4))).join(' ')} ${String(
      Object.values(counts).reduce((a, b) => a + b, 0),
    ).padStart(5)}`;
  console.log(`\n${'kind'.padEnd(width)} ${shown.map((column) => column.padStart(Math.max(column.length, 4))).join(' ')} ${'total'.padStart(5)}`);
  for (const kind of Object.keys(byKind)) console.log(row(kind, byKind[kind]));
  console.log(row('all', total));
}
