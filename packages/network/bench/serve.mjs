// The served-federation benchmark (`npm run bench:serve`):
// 1. round time of the quickstart by runExperiment in this process (`fedtune run --workers 1`)
//    and served over loopback to 2 and to 4 `fedtune join` processes, whose ledgers must equal
//    the in-process one (wall times and wire bytes aside), adapters too;
// 2. wire overhead per round from the served ledger;
// 3. idle authenticated connections one server holds, with its memory per connection.
// Writes bench/results/serve.json at the repository root and prints a table.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parseExperiment } from '@fedtune/core';
import { machineInfo, median, writeBenchResults } from '../../core/bench/benchResults.mjs';
import { measureClientPageWeight } from './clientPageWeight.mjs';
import { CONNECTING_PROCESSES, measureConnectionsHeld } from './connectionsHeld.mjs';
import { checkCliBuilt, runInProcess, runServed } from './quickstartRounds.mjs';
import { wireOverhead } from './wireOverhead.mjs';

/**
 * The quickstart's 20 rounds, cut for time; its rounds all cost alike (every client, every round,
 * evaluated), and ten leave a median clear of the first rounds' warm-up.
 */
const ROUNDS = 10;
const JOIN_PROCESSES = [2, 4];
const HELD_CONNECTIONS = [1_000, 2_000];

checkCliBuilt();
const experimentDir = fileURLToPath(new URL('../../../examples/', import.meta.url));
const { compare: _headOnly, $schema: _schema, ...quickstart } = JSON.parse(readFileSync(join(experimentDir, 'quickstart.json'), 'utf8'));
const experiment = parseExperiment({ ...quickstart, training: { ...quickstart.training, rounds: ROUNDS } });
const folder = mkdtempSync(join(tmpdir(), 'fedtune-bench-serve-'));
const loadBefore = machineInfo().loadAverage;
const began = performance.now();

/** What equality ignores: wall times, and wire bytes, which only a served run has. */
function comparable(ledger) {
  return ledger.map(({ wallMs, uplinkWireBytes, downlinkWireBytes, ...row }) => row);
}

function roundTimes(label, run) {
  const roundsWallMs = run.ledger.map((row) => row.wallMs);
  return { label, roundWallMs: median(roundsWallMs), roundsWallMs, totalMs: run.totalMs };
}

try {
  console.error(`quickstart, ${ROUNDS} rounds, in process`);
  const simulated = await runInProcess(experiment, experimentDir, join(folder, 'run'));
  const configurations = [roundTimes('fedtune run (in process, workers 1)', simulated)];
  const served = [];
  for (const processes of JOIN_PROCESSES) {
    console.error(`quickstart, ${ROUNDS} rounds, served to ${processes} fedtune join processes`);
    const run = await runServed(experiment, experimentDir, join(folder, `served-${processes}`), processes);
    if (!isDeepStrictEqual(comparable(run.ledger), comparable(simulated.ledger))) {
      throw new Error(`the ledger served to ${processes} join processes differs from fedtune run's:\n${JSON.stringify(run.ledger)}\n${JSON.stringify(simulated.ledger)}`);
    }
    if (!run.adapter.equals(simulated.adapter)) throw new Error(`the adapter served to ${processes} join processes differs from fedtune run's`);
    served.push({ processes, run });
    configurations.push({ ...roundTimes(`fedtune serve + ${processes} fedtune join processes`, run), joinProcesses: processes });
  }
  for (const configuration of configurations) configuration.ratioToRun = configuration.roundWallMs / configurations[0].roundWallMs;

  const held = [];
  for (const connections of HELD_CONNECTIONS) {
    console.error(`${connections} idle authenticated connections`);
    held.push(await measureConnectionsHeld(connections));
  }

  console.error('the client page, bundled for each plugin set');
  const clientPage = await measureClientPageWeight();

  const overhead = wireOverhead(served[0].run.ledger);
  const report = {
    benchmark: 'serve',
    description:
      `The quickstart (examples/quickstart.json: 20 clients, all sampled every round, LoRA r=4, no compression) cut to ${ROUNDS} of its 20 rounds ` +
      'and without its head-only comparison, for time. Round wall time is the median ledger wallMs over the rounds (evaluation included, as every ' +
      'quickstart round evaluates); totalMs runs from the start to the last summary (for served runs: server start, join processes starting tfjs ' +
      'and computing their data, then the rounds). Served runs: a FederationServer in the bench process on 127.0.0.1, the 20 clients split evenly over ' +
      'fedtune join child processes; their ledgers equal fedtune run’s (wall times and wire bytes aside) and their adapters are byte-identical, or the ' +
      'bench fails. Wire overhead: (wire bytes − payload bytes) / payload bytes, from the ledger served to 2 processes (every served ledger counts the ' +
      'same frames); round 0 also carries the joins and the welcomes (the experiment JSON). Connections held: a FederationServer in its own process for ' +
      `an experiment of N + 1 clients, of which N connect (so it waits for the last and never starts round 0), from ${CONNECTING_PROCESSES} processes ` +
      'speaking the raw protocol with ws (join frames from core’s codec, 128 handshakes in flight each, the join rate limit raised to N since every ' +
      'connection comes from 127.0.0.1); acceptAllMs runs from the signal to connect until every connection was welcomed; server memory is ' +
      'process.memoryUsage() after two full collections, before the first connection and with all N held; bytes per connection = (after − before) / N. ' +
      'Client page: the scripts fedtune serve bundles for browser tabs (esbuild, minified), for core alone, each plugin and all five; loadedFirst is the ' +
      'entry and the chunks it imports (what every tab downloads), total adds the chunk loaded only for tf=webgl; gzipBytes as served to browsers ' +
      'that accept gzip (level 9); bundleMs is the build on the first request.',
    experiment: { ...quickstart, training: experiment.training },
    rounds: ROUNDS,
    roundTime: configurations,
    ledgersEqual: true,
    wireOverhead: { goal: 0.02, ...overhead },
    connectionsHeld: { goal: 1_000, connectingProcesses: CONNECTING_PROCESSES, results: held },
    clientPage,
    benchSeconds: (performance.now() - began) / 1000,
    loadAverageBefore: loadBefore,
    machine: machineInfo(),
    date: new Date().toISOString(),
  };
  const resultsPath = await writeBenchResults('serve', report);

  const percent = (ratio) => `${(ratio * 100).toFixed(2)}%`;
  const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
  console.log('configuration                                  | round ms | × run | total s');
  console.log('-----------------------------------------------|----------|-------|--------');
  for (const c of configurations) {
    console.log(`${c.label.padEnd(46)} | ${c.roundWallMs.toFixed(0).padStart(8)} | ${c.ratioToRun.toFixed(2).padStart(5)} | ${(c.totalMs / 1000).toFixed(1).padStart(7)}`);
  }
  console.log(`\nwire overhead over ${ROUNDS} rounds: ${percent(overhead.run.total)} (uplink ${percent(overhead.run.uplink)}, downlink ${percent(overhead.run.downlink)}); goal ≤ 2%`);
  console.log('\nconnections | accept all ms | server RSS MiB before → after | RSS B/conn | heap B/conn');
  console.log('------------|---------------|-------------------------------|------------|------------');
  for (const h of held) {
    console.log(
      `${String(h.connections).padStart(11)} | ${h.acceptAllMs.toFixed(0).padStart(13)} | ${`${mib(h.serverMemoryBefore.rss)} → ${mib(h.serverMemoryAfter.rss)}`.padStart(29)} | ${h.serverBytesPerConnection.rss
        .toFixed(0)
        .padStart(10)} | ${h.serverBytesPerConnection.heapUsed.toFixed(0).padStart(11)}`,
    );
  }
  console.log('\nclient page plugins          | bundle s | first load KiB (gzip) | with WebGL KiB (gzip)');
  console.log('-----------------------------|----------|-----------------------|----------------------');
  const kib = (bytes) => (bytes / 1024).toFixed(0);
  for (const page of clientPage) {
    const name = page.plugins.length === 0 ? 'core only' : page.plugins.length > 1 ? 'all five' : page.plugins[0];
    console.log(
      `${name.padEnd(28)} | ${(page.bundleMs / 1000).toFixed(1).padStart(8)} | ${`${kib(page.loadedFirst.bytes)} (${kib(page.loadedFirst.gzipBytes)})`.padStart(21)} | ${`${kib(page.total.bytes)} (${kib(page.total.gzipBytes)})`.padStart(20)}`,
    );
  }
  console.log(`wrote ${resultsPath}`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
