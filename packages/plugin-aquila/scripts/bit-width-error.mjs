#!/usr/bin/env node
// How large the quantisation error of AQUILA's uploads is beside the innovation it quantises,
// ‖Q(g) − g‖₂ / ‖g − q_m‖₂, under each bit-width rule of the `aquila` compressor: b*, b* + 1 and
// the relative-error rule. A small federation (the embedded Fashion-MNIST, 10 clients, half of
// them sampled each round, 8 rounds, SGD 0.1) runs AQUILA's official protocol with b*; at every
// upload the script quantises that same update around that same last upload with every rule and
// notes the bits and the error ratio. Prints one table per partition. Needs the built packages
// (npx turbo run build --filter=@fedtune/plugin-aquila...).
//
//   node packages/plugin-aquila/scripts/bit-width-error.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPRESSOR, createFedtuneContainer, parseExperiment, registerNamed, runExperiment } from '@fedtune/core';
import plugin, { aquilaCompressorFactory, DEFAULT_MAX_RELATIVE_ERROR, quantiseInnovation } from '@fedtune/plugin-aquila';

const RULES = [
  { label: 'b* (paper)', rule: 'bStar' },
  { label: 'b* + 1', rule: 'bStarPlusOne' },
  { label: `relative error ≤ ${DEFAULT_MAX_RELATIVE_ERROR}`, rule: { maxRelativeError: DEFAULT_MAX_RELATIVE_ERROR } },
];

const PARTITIONS = [
  { label: 'IID', partition: { kind: 'iid' } },
  { label: 'Dirichlet(0.1)', partition: { kind: 'dirichlet', alpha: 0.1 } },
];

/** The `aquila` compressor, noting for every upload it sends the bits and error ratio of each rule. */
function measuring(samples) {
  return {
    name: 'aquila-measured',
    plugin: 'bit-width-error',
    create: (options, context) => {
      const inner = aquilaCompressorFactory.create(options, context);
      return {
        name: inner.name,
        requires: inner.requires,
        prepare: inner.prepare.bind(inner),
        encode: (update, encodeContext, prepared) => {
          const { backend } = encodeContext;
          const innovationNorm = backend.norm2(backend.axpy(-1, prepared.lastUpload, update));
          if (innovationNorm > 0) {
            samples.push(
              RULES.map(({ rule }) => {
                const upload = quantiseInnovation(backend, update, prepared.lastUpload, rule);
                return { bits: upload.bits, ratio: backend.norm2(backend.axpy(-1, update, upload.quantised)) / innovationNorm };
              }),
            );
          }
          return inner.encode(update, encodeContext, prepared);
        },
        decode: inner.decode.bind(inner),
      };
    },
  };
}

function experiment(partition) {
  return parseExperiment({
    name: 'aquila-bit-width-error',
    seed: 1,
    data: { numClients: 10, partition, trainLimit: 2000, testLimit: 200 },
    training: { rounds: 8, optimizer: 'sgd', learningRate: 0.1 },
    selector: { name: 'aquila', options: { fraction: 0.5 } },
    compressor: { name: 'aquila-measured', options: { protocol: 'official' } },
    aggregator: { name: 'fedavg', options: { weighting: 'uniform' } },
  });
}

function quantile(sorted, q) {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

for (const { label, partition } of PARTITIONS) {
  const samples = [];
  const container = createFedtuneContainer();
  plugin.register(container);
  registerNamed(container, COMPRESSOR, measuring(samples));
  const outDir = mkdtempSync(join(tmpdir(), 'aquila-bit-width-'));
  try {
    await runExperiment(experiment(partition), { outDir, experimentDir: outDir, container });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  console.log(`\n${label}: ${samples.length} uploads`);
  console.log('| bit width | bits per value, mean | ‖ε‖/‖x‖ median | mean | max | uploads with ‖ε‖ > ‖x‖ |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  RULES.forEach(({ label: rule }, i) => {
    const ratios = samples.map((s) => s[i].ratio).sort((a, b) => a - b);
    const bits = samples.reduce((sum, s) => sum + s[i].bits, 0) / samples.length;
    const mean = ratios.reduce((sum, r) => sum + r, 0) / ratios.length;
    const above = ratios.filter((r) => r > 1).length / ratios.length;
    const cells = [bits.toFixed(2), quantile(ratios, 0.5).toFixed(3), mean.toFixed(3), ratios.at(-1).toFixed(3), `${(100 * above).toFixed(0)}%`];
    console.log(`| ${rule} | ${cells.join(' | ')} |`);
  });
}
