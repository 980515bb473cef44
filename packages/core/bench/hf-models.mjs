// The Hugging Face model benchmark: tokens per second of LoRA fine-tuning (r = 8, alpha 16, on
// c_attn, PEFT's GPT-2 default; LM head frozen; Adam; context 128; batch 4, or 1 for the 124M) of a
// GPT-2-small-shaped (124M) and a 2-layer tiny GPT-2, by fedtune (loadHfModel + LocalTrainer on tfjs-wasm, and cpu for
// the tiny one) beside PyTorch (Debian's /usr/bin/python3, 2 threads and 1) on the same
// safetensors file, runs alternating fedtune, torch, fedtune, torch…; and the peak resident memory
// of the fedtune process holding the 124M base, with one client and with a second client over the
// same loaded base. The random checkpoints are written in the Hugging Face layout to a temporary folder,
// removed at the end. `--quick` (or FEDTUNE_BENCH_QUICK=1) runs the tiny model only and writes
// no results.
// Needs the built package (npm run bench:hf builds it). Writes bench/results/hf-models.json at
// the repository root and prints a table.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GPT2_SHAPES, writeGpt2Checkpoint } from './hfCheckpoint.mjs';
import { startLineChild } from './lineChild.mjs';
import { machineInfo, median, writeBenchResults } from './benchResults.mjs';

/** Debian's interpreter, where python3-torch installs PyTorch (not a pyenv python3 on PATH). */
const PYTHON = '/usr/bin/python3';
const TORCH_THREADS = [2, 1];
const TRAINING = { contextLength: 128, learningRate: 1e-4, rank: 8, alpha: 16 };
/**
 * Examples per step, and per backend the optimiser steps per timed run and timed runs per side. A
 * 124M step takes seconds on one core and the cpu backend is about 15× slower than wasm, so those
 * runs are short: the whole benchmark stays within about ten minutes on 2 cores. The 124M model
 * trains one example per step (see BATCH_NOTE).
 */
const MODELS = [
  {
    name: 'tiny-2l',
    batchSize: 4,
    backends: [
      { backend: 'wasm', steps: 8, runs: 5 },
      { backend: 'cpu', steps: 2, runs: 3 },
    ],
  },
  { name: 'gpt2-124m', batchSize: 1, backends: [{ backend: 'wasm', steps: 2, runs: 3 }], memory: true },
];
const BATCH_NOTE =
  'gpt2-124m trains 1 example per step: the tfjs-wasm heap is 32-bit (4 GiB at most) and only grows; the frozen weights ' +
  'with their transposed copies (0.95 GiB), XNNPACK\'s packed copies of both and the activations tfjs clones to keep for ' +
  'the backward pass take it to 2.7 GiB at 1 example of 128 tokens, close to 4 GiB at 2, and past it at 4 (the process aborts).';
const TORCH_NOTE =
  'PyTorch multiplies matrices with the BLAS it is linked to (torch.blas in each result): Debian\'s python3-torch with ' +
  'the reference libblas3 is several times slower than with OpenBLAS or MKL, so fedtuneOverTorch compares with this PyTorch, not a tuned one.';
const quick = process.argv.includes('--quick') || process.env.FEDTUNE_BENCH_QUICK === '1';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));

/** PyTorch loaded on `folder`, or why it cannot run. */
async function startTorch(folder, batchSize, steps) {
  const settings = { folder, batchSize, maxSteps: steps, threads: TORCH_THREADS, ...TRAINING };
  let torch;
  try {
    torch = startLineChild(PYTHON, [here('./hf_models_torch.py'), JSON.stringify(settings)]);
    const ready = await torch.reply();
    if (ready.unavailable !== undefined) {
      await torch.close();
      return { skipped: ready.unavailable };
    }
    return { child: torch, ready };
  } catch (error) {
    return { skipped: `${PYTHON} could not run the PyTorch side (${error.message})` };
  }
}

/** One model on one backend, its timed runs alternating with PyTorch's at each thread count. */
async function measureBackend(model, folder, { backend, steps, runs: timedRuns }, torch) {
  const settings = { folder, backend, batchSize: model.batchSize, steps, ...TRAINING };
  const fedtune = startLineChild(process.execPath, [here('./hfModelsClient.mjs'), JSON.stringify(settings)]);
  const ready = await fedtune.reply();
  const runs = { fedtune: [], ...Object.fromEntries(TORCH_THREADS.map((threads) => [`torch${threads}`, []])) };
  for (let run = 0; run < timedRuns; run++) {
    runs.fedtune.push(await fedtune.request({ do: 'train' }));
    for (const threads of torch.child === undefined ? [] : TORCH_THREADS) {
      runs[`torch${threads}`].push(await torch.child.request({ threads, steps }));
    }
    console.error(`${model.name} ${backend}: run ${run + 1} of ${timedRuns}`);
  }
  const memory = model.memory === true ? await fedtune.request({ do: 'secondClient' }) : undefined;
  await fedtune.close();
  const tokensPerSecond = median(runs.fedtune.map((r) => r.tokensPerSecond));
  const torchAt = (threads) => {
    const torchTokensPerSecond = median(runs[`torch${threads}`].map((r) => r.tokensPerSecond));
    return { tokensPerSecond: torchTokensPerSecond, fedtuneOverTorch: tokensPerSecond / torchTokensPerSecond, runs: runs[`torch${threads}`] };
  };
  return {
    backend: ready.backend,
    stepsPerRun: steps,
    timedRuns,
    ...(ready.wasmThreads === undefined ? {} : { wasmThreads: ready.wasmThreads }),
    fedtune: {
      tokensPerSecond,
      loadSeconds: ready.loadSeconds,
      trainableParameters: ready.trainableParameters,
      tfTensorBytes: ready.tfTensorBytes,
      ...(ready.wasmHeapBytes === undefined ? {} : { wasmHeapBytesAfterWarmUp: ready.wasmHeapBytes }),
      runs: runs.fedtune,
    },
    torch:
      torch.child === undefined
        ? { skipped: torch.skipped }
        : Object.fromEntries(TORCH_THREADS.map((threads) => [`threads${threads}`, torchAt(threads)])),
    ...(memory === undefined ? {} : { memory: { peakRssAfterLoadBytes: ready.peakRssAfterLoadBytes, ...memory } }),
  };
}

async function measureModel(model, root) {
  const folder = join(root, model.name);
  await mkdir(folder);
  const weightBytes = await writeGpt2Checkpoint(folder, GPT2_SHAPES[model.name]);
  const torch = await startTorch(folder, model.batchSize, Math.max(...model.backends.map((b) => b.steps)));
  try {
    const backends = [];
    for (const backend of model.backends) backends.push(await measureBackend(model, folder, backend, torch));
    return {
      model: model.name,
      shape: GPT2_SHAPES[model.name],
      checkpointFp32Bytes: weightBytes,
      batchSize: model.batchSize,
      ...(torch.ready === undefined
        ? {}
        : {
            torch: {
              version: torch.ready.torch,
              blas: torch.ready.blas,
              loadSeconds: torch.ready.loadSeconds,
              peakRssAfterLoadBytes: torch.ready.peakRssAfterLoadBytes,
            },
          }),
      backends,
    };
  } finally {
    await torch.child?.close();
  }
}

const began = performance.now();
const machineBefore = machineInfo();
const root = await mkdtemp(join(os.tmpdir(), 'fedtune-hf-bench-'));
const results = [];
try {
  for (const model of MODELS) {
    if (quick && model.name !== 'tiny-2l') continue;
    results.push(await measureModel(model, root));
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

const report = {
  benchmark: 'hf-models',
  description:
    'tokens/s (batch × context × steps / seconds) of LoRA fine-tuning of random GPT-2 checkpoints in the Hugging Face layout: ' +
    'fedtune loads the folder with loadHfModel and trains with LocalTrainer (the trainer a federated client runs; LoRA on the family ' +
    'default targets, LM head frozen, the loss on the token after each window as for text-files causal-lm); PyTorch runs the same ' +
    'GPT-2 equations with PEFT-style LoRA on the same model.safetensors. Each side loads once and warms up with one untimed step; ' +
    'timed runs alternate fedtune, torch (2 threads), torch (1 thread); medians reported. fedtuneOverTorch > 1 means fedtune is faster. ' +
    'Memory: peak RSS (maxRSS) of the fedtune child process after loading, after the first client trained, and after a second ' +
    'client (its own adapter and trainer over the same loaded base) trained.',
  training: { ...TRAINING, optimizer: 'adam', targetModules: ['c_attn'], frozenHead: true, dropout: 0 },
  notes: [BATCH_NOTE, TORCH_NOTE],
  torchThreads: TORCH_THREADS,
  results,
  benchSeconds: (performance.now() - began) / 1000,
  machine: { ...machineBefore, loadAverageAtEnd: machineInfo().loadAverage },
  date: new Date().toISOString(),
};
// A quick run leaves the full results in place.
const written = quick ? 'nothing (--quick)' : await writeBenchResults('hf-models', report);

const mib = (bytes) => (bytes / 2 ** 20).toFixed(0);
const rate = (value) => (value === undefined ? '—' : value.toFixed(0));
console.log(`LoRA r = ${TRAINING.rank} on c_attn, context ${TRAINING.contextLength}, Adam; tokens/s (median)`);
console.log('model     | batch | backend | fedtune | torch 2 thr | torch 1 thr | fedtune / torch 2 | fedtune / torch 1');
console.log('----------|-------|---------|---------|-------------|-------------|-------------------|------------------');
for (const result of results) {
  for (const b of result.backends) {
    const torch2 = b.torch.threads2;
    const torch1 = b.torch.threads1;
    console.log(
      `${result.model.padEnd(9)} | ${String(result.batchSize).padStart(5)} | ${b.backend.padEnd(7)} | ${rate(b.fedtune.tokensPerSecond).padStart(7)} | ${rate(torch2?.tokensPerSecond).padStart(11)} | ${rate(
        torch1?.tokensPerSecond
      ).padStart(11)} | ${(torch2?.fedtuneOverTorch.toFixed(2) ?? '—').padStart(17)} | ${(torch1?.fedtuneOverTorch.toFixed(2) ?? '—').padStart(16)}`
    );
    if (b.memory !== undefined) {
      const m = b.memory;
      console.log(
        `  peak RSS MiB: after load ${mib(m.peakRssAfterLoadBytes)}, one client ${mib(m.oneClient.peakRssBytes)}, two clients ${mib(
          m.twoClients.peakRssBytes
        )} (fp32 weights ${mib(result.checkpointFp32Bytes)})`
      );
    }
  }
}
console.log(`wrote ${written}`);
