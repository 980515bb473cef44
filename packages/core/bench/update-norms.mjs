// The measurements behind the update screen's default factor (README, "Update screen"): the ratio
// ‖Δ‖ / median that the screen compares with its factor, on honest runs with the screen off, and
// the ratios of the updates the default screen rejects in runs whose clients diverge.
//   honest: the quickstart as shipped (8 rounds); a held-out federation (37 clients,
//     Dirichlet(0.3), 15% participation, SGD at 0.1, 100 rounds, seeds 1234–1236) with FedAvg and
//     with client ranks 8 and 1; examples/safari/two-group-60.json as shipped.
//   diverging: the held-out federation with SAFARI and stale-update FedAvg over SAFARI's two-group
//     lossy channel, which collapsed there.
// The median is the screen's: over this round's updates and each other slot's latest. Needs core
// and @fedtune/plugin-safari built. Writes bench/results/update-norms.json at the repository root.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, machineInfo, writeBenchResults } from './benchResults.mjs';

const {
  AGGREGATOR,
  createFedtuneContainer,
  listNamed,
  loadPlugins,
  parseExperiment,
  registerNamed,
  runExperiment,
} = await import('../dist/index.js');

const repository = fileURLToPath(new URL('../../../', import.meta.url));
const example = (path) => JSON.parse(readFileSync(join(repository, 'examples', path), 'utf8'));
const SEEDS = [1234, 1235, 1236];

const heldOut = {
  name: 'held-out',
  data: { numClients: 37, partition: { kind: 'dirichlet', alpha: 0.3 }, testLimit: 1000 },
  training: { rounds: 100, optimizer: 'sgd', learningRate: 0.1 },
  selector: { name: 'uniform', options: { fraction: 0.15 } },
};
const lossy = {
  plugins: ['@fedtune/plugin-safari'],
  compressor: { name: 'safari-sparse', options: { sparsity: 0.6 } },
  channel: example('safari/two-group-60.json').channel,
};

const honest = [
  { ...example('quickstart.json'), training: { ...example('quickstart.json').training, rounds: 8 } },
  ...SEEDS.map((seed) => ({
    ...heldOut,
    seed,
    label: 'FedAvg',
    compare: [{ label: 'FedAvg, client ranks 8 and 1', adapter: { rank: 8, alpha: 16, clientRanks: [8, 1] } }],
  })),
  example('safari/two-group-60.json'),
];
const diverging = SEEDS.map((seed) => ({
  ...heldOut,
  ...lossy,
  seed,
  label: 'SAFARI',
  aggregator: 'safari',
  compare: [{ label: 'FedAvg, stale updates', aggregator: { name: 'fedavg-stale', options: { fullFirstRound: true } } }],
}));

/**
 * Runs `raw` and its comparisons; every aggregator is wrapped to record, per run, the ratios of the
 * updates it receives. Returns per run: its label, the records, the rejection lines and the ledger.
 */
async function measure(raw, updateScreen) {
  const { $schema: _schema, ...experimentInput } = raw;
  const container = createFedtuneContainer();
  await loadPlugins(container, experimentInput.plugins ?? [], { resolveFrom: repository });
  const runs = [];
  for (const factory of listNamed(container, 'aggregator')) {
    registerNamed(container, AGGREGATOR, {
      name: `measured-${factory.name}`,
      plugin: 'update-norms bench',
      create: (options, context) => recording(factory.create(options, context), runs),
    });
  }
  const measured = (spec) => spec && (typeof spec === 'string' ? `measured-${spec}` : { ...spec, name: `measured-${spec.name}` });
  const experiment = parseExperiment({
    ...experimentInput,
    updateScreen,
    aggregator: measured(experimentInput.aggregator ?? 'fedavg'),
    compare: (experimentInput.compare ?? []).map((entry) => ({ ...entry, ...(entry.aggregator ? { aggregator: measured(entry.aggregator) } : {}) })),
  });
  const outDir = mkdtempSync(join(tmpdir(), 'fedtune-update-norms-'));
  const labels = [];
  const logs = [];
  await runExperiment(experiment, {
    outDir,
    experimentDir: repository,
    container,
    onRunStart: (label) => labels.push(label) && logs.push([]),
    log: (line) => logs.at(-1)?.push(line),
  });
  // Components are built once to check the pairings, then again for the run: only the latter aggregate.
  const perRun = runs.filter((records) => records.aggregated);
  const ledgerOf = (index) =>
    readFileSync(join(outDir, index === 0 ? '' : join('compare', slug(labels[index])), 'ledger.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
  return labels.map((label, index) => ({ label, records: perRun[index], logs: logs[index], ledger: ledgerOf(index) }));
}

const slug = (label) => label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'run';

/** `aggregator`, recording ‖Δ‖ / median and ‖Δ‖ / ‖θ‖ of each update it receives into a new entry of `runs`. */
function recording(aggregator, runs) {
  const records = [];
  runs.push(records);
  const latest = new Map();
  const wrapped = Object.create(aggregator);
  wrapped.aggregate = (context) => {
    records.aggregated = true;
    const { received, backend } = context;
    const norms = received.map((r) => backend.norm2(r.update));
    const present = new Set(received.map((r) => `${r.clientId}/${r.slot}`));
    const others = [...latest].filter(([key]) => !present.has(key)).map(([, norm]) => norm);
    const middle = median([...norms, ...others]);
    received.forEach((r, i) => {
      latest.set(`${r.clientId}/${r.slot}`, norms[i]);
      const start = r.coverage ? Float32Array.from(r.coverage, (j) => r.base[j]) : r.base;
      records.push({ round: context.round, clientId: r.clientId, ratio: norms[i] / middle, toGlobal: norms[i] / backend.norm2(start) });
    });
    return aggregator.aggregate(context);
  };
  return wrapped;
}

const round3 = (value) => Number(value.toPrecision(3));

function honestSummary({ label, records }) {
  const ratios = records.map((r) => r.ratio).sort((a, b) => a - b);
  const top = [...records].sort((a, b) => b.ratio - a.ratio).slice(0, 3);
  return {
    label,
    updates: records.length,
    ratio: { median: round3(median(ratios)), p99: round3(ratios[Math.floor(0.99 * (ratios.length - 1))]), max: round3(ratios.at(-1)) },
    maxToGlobal: round3(Math.max(...records.map((r) => r.toGlobal))),
    largest: top.map((r) => ({ round: r.round, clientId: r.clientId, ratio: round3(r.ratio), toGlobal: round3(r.toGlobal) })),
  };
}

function divergingSummary({ label, logs, ledger }) {
  const rejected = logs
    .map((line) => /^round (\d+): update of client (\d+) slot \d+ rejected: its norm (\S+) is (\S+)×/.exec(line))
    .filter((match) => match !== null)
    .map(([, round, clientId, norm, ratio]) => ({ round: Number(round), clientId: Number(clientId), norm: Number(norm), ratio: Number(ratio) }));
  const accuracies = ledger.filter((row) => row.testAccuracy !== null).map((row) => row.testAccuracy);
  return {
    label,
    finalAccuracy: accuracies.at(-1),
    bestAccuracy: Math.max(...accuracies),
    screened: rejected.length,
    smallestRejectedRatio: rejected.length > 0 ? Math.min(...rejected.map((r) => r.ratio)) : null,
    rejected: rejected.slice(0, 5),
  };
}

const started = performance.now();
const report = { machine: machineInfo(), honest: [], diverging: [] };
for (const raw of honest) {
  for (const run of await measure(raw, 'off')) {
    report.honest.push({ experiment: raw.name, seed: raw.seed, ...honestSummary(run) });
    console.log(JSON.stringify(report.honest.at(-1)));
  }
}
for (const raw of diverging) {
  for (const run of await measure(raw, { relativeTo: 'median-update' })) {
    report.diverging.push({ experiment: raw.name, seed: raw.seed, ...divergingSummary(run) });
    console.log(JSON.stringify(report.diverging.at(-1)));
  }
}
report.wallSeconds = Math.round((performance.now() - started) / 1000);
console.log(`wrote ${await writeBenchResults('update-norms', report)}`);
