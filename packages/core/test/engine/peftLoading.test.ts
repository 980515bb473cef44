import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AdapterInstance } from '../../src/contracts/adapter.js';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { adapterSettings } from '../../src/engine/runAdapter.js';
import type { LedgerRow } from '../../src/engine/ledger.js';
import { runExperiment } from '../../src/engine/runExperiment.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { prepareFederation } from '../../src/federation/prepareFederation.js';
import { frozenLinear, type BaseModel } from '../../src/model/architectures/baseModel.js';
import { loraAdapter } from '../../src/model/adapters/lora.js';
import { indexLayout } from '../../src/model/adapters/parameterLayout.js';
import { importPeftAdapter } from '../../src/model/formats/peft.js';
import { PYTHON, torchUnavailable } from '../torch/torchReference.js';

const READER = fileURLToPath(new URL('./mergeExportedAdapter.py', import.meta.url));

/** fedtune's forward pass with the adapter attached, as the trainer evaluates it. */
function fedtuneLogits(base: BaseModel, adapter: AdapterInstance, parameters: Float32Array, inputs: Float32Array, count: number): Float32Array {
  return tf.tidy(() => {
    const params = new Map(
      indexLayout(adapter.layout).slots.map((slot) => [
        slot.spec.name,
        tf.tensor(parameters.subarray(slot.offset, slot.offset + slot.size), slot.spec.shape),
      ]),
    );
    const x = tf.tensor2d(inputs, [count, base.inputSize]);
    const logits = base.forward(x, (module, h) => {
      const frozen = base.frozen.get(module.name)!;
      return adapter.linear(module, h, frozen, params) ?? frozenLinear(h, frozen);
    });
    return logits.dataSync() as Float32Array;
  });
}

const unavailable = torchUnavailable();
const title = 'loads in PyTorch by the documented steps and merges into the logits and accuracy fedtune computed';

describe('the exported PEFT adapter of a run', () => {
  it.skipIf(unavailable !== undefined)(unavailable === undefined ? title : `${title} (skipped: ${unavailable})`, async () => {
    const root = mkdtempSync(join(tmpdir(), 'fedtune-peft-loading-'));
    const outDir = join(root, 'run');
    // The shipped base has a 5-class head; the downstream task has 10 classes, so the head is resized.
    const experiment = parseExperiment({
      name: 'peft-loading',
      seed: 11,
      data: { numClients: 3, trainLimit: 300, testLimit: 200 },
      adapter: { rank: 2, alpha: 4 },
      training: { rounds: 1, localEpochs: 1 },
    });
    await runExperiment(experiment, { outDir, experimentDir: root, container: createFedtuneContainer() });
    const adapterFolder = join(outDir, 'adapter');

    const federation = await prepareFederation(experiment, root);
    try {
      const task = federation.tasks[0]!;
      const rows = task.testIndices!;
      const featureSize = task.test.featureSize;
      const inputs = new Float32Array(rows.length * featureSize);
      rows.forEach((row, i) => inputs.set(task.test.features.subarray(row * featureSize, (row + 1) * featureSize), i * featureSize));
      const adapter = loraAdapter.create(federation.base.modules, adapterSettings(experiment, task.numClasses));
      const { parameters } = await importPeftAdapter(adapterFolder, adapter.layout);
      const ours = fedtuneLogits(federation.base, adapter, parameters, inputs, rows.length);

      const inputsPath = join(root, 'inputs.f32');
      writeFileSync(inputsPath, new Uint8Array(inputs.buffer));
      const reader = spawnSync(PYTHON, [READER, adapterFolder, inputsPath, String(rows.length)], { encoding: 'utf8' });
      expect(reader.status, reader.stderr).toBe(0);
      const theirs = (JSON.parse(reader.stdout) as { logits: number[][] }).logits;

      expect(theirs.length).toBe(rows.length);
      expect(theirs[0]?.length).toBe(10);
      let largestDifference = 0;
      theirs.flat().forEach((value, i) => {
        largestDifference = Math.max(largestDifference, Math.abs(value - (ours[i] as number)));
      });
      // Merged W + s·B·A against the unmerged sum: float32 rounding only.
      expect(largestDifference).toBeLessThan(1e-4);

      const argmax = (logits: number[]) => logits.indexOf(Math.max(...logits));
      const correct = theirs.filter((logits, i) => argmax(logits) === task.test.labels[rows[i] as number]).length;
      const ledger = readFileSync(join(outDir, 'ledger.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as LedgerRow);
      expect(correct / rows.length).toBe(ledger.at(-1)?.testAccuracy);
    } finally {
      federation.base.dispose();
    }
  }, 120_000);
});
