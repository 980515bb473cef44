// The queue benchmark (`npm run bench:queue`): what training clients through Redis and BullMQ
// costs next to worker threads. Writes bench/results/queue.json and prints its figures.
// 1. Round time of the quickstart experiment (6 rounds, one local epoch, no comparison run) with
//    `--workers 1` and `--workers 2` and with 1 and 2 `fedtune worker` processes, in one run.
// 2. Overhead per job at the quickstart's and the text transformer's sizes: a worker that trains
//    nothing stores a vector of the adapter's size for each job, so the time is all queue.
// 3. Redis's memory (INFO memory, measured) for a 10,000-client round: jobs queued, answered, and
//    once the answered jobs are removed (as the run removes each job when it has read its result).
// Needs the built packages (the npm script builds them) and redis-server on the PATH.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { createFedtuneContainer, parseExperiment, prepareExperiment, runExperiment } from '@fedtune/core';
import { acceptResult, queuedTrainers, redisClient, resultKey, resultKeyOf } from '@fedtune/queue';
import { startTestRedis } from '@fedtune/queue/testing';
import { machineInfo, median, writeBenchResults } from '../packages/core/bench/benchResults.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const fedtuneBin = join(root, 'packages/cli/bin/fedtune.js');
const examples = join(root, 'examples');
const ROUNDS = 6;
const OVERHEAD_JOBS = 40;
const MEMORY_CLIENTS = 10_000;

const readExperiment = (file) => parseExperiment(JSON.parse(readFileSync(join(examples, file), 'utf8')));

/** Starts `fedtune worker` processes and resolves once each waits for jobs. */
async function startWorkers(url, count) {
  return Promise.all(
    Array.from({ length: count }, () => {
      const child = spawn(process.execPath, [fedtuneBin, 'worker', '--queue', url], { stdio: ['ignore', 'pipe', 'inherit'] });
      return new Promise((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
          if (out.includes('waiting for jobs')) resolve(child);
        });
        child.once('exit', (code) => reject(new Error(`fedtune worker exited with ${code}`)));
      });
    }),
  );
}

async function stopWorkers(children) {
  await Promise.all(
    children.map((child) => new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    })),
  );
}

/** One run of the experiment; each round's wall time in seconds. */
async function roundSeconds(experiment, options) {
  const outDir = mkdtempSync(join(tmpdir(), 'fedtune-bench-queue-'));
  try {
    await runExperiment(experiment, { outDir, experimentDir: examples, container: createFedtuneContainer(), ...options });
    return readFileSync(join(outDir, 'ledger.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line).wallMs / 1000);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

async function roundTimes(url) {
  const quickstart = readExperiment('quickstart.json');
  const experiment = { ...quickstart, compare: [], training: { ...quickstart.training, rounds: ROUNDS, localEpochs: 1 } };
  const modes = [
    { mode: '--workers 1', run: () => roundSeconds(experiment, { workers: 1 }) },
    { mode: '--workers 2', run: () => roundSeconds(experiment, { workers: 2 }) },
    ...[1, 2].map((processes) => ({
      mode: `--queue, ${processes} worker process${processes === 1 ? '' : 'es'}`,
      run: async () => {
        const workers = await startWorkers(url, processes);
        try {
          return await roundSeconds(experiment, { trainers: queuedTrainers(url) });
        } finally {
          await stopWorkers(workers);
        }
      },
    })),
  ];
  const results = [];
  for (const { mode, run } of modes) {
    const rounds = await run();
    // Round 0 pays for start-up (a worker process builds the experiment's trainer on its first job).
    results.push({ mode, firstRoundSeconds: rounds[0], roundSeconds: median(rounds.slice(1)), roundsSeconds: rounds });
    console.log(`${mode}: round ${median(rounds.slice(1)).toFixed(3)} s (first ${rounds[0].toFixed(2)} s)`);
  }
  return results;
}

/** The adapter's parameter count and a typical slot's rows for an example experiment. */
async function jobShape(file, label) {
  const experiment = readExperiment(file);
  const { federation, runs } = await prepareExperiment(experiment, { experimentDir: examples, container: createFedtuneContainer(), checkModel: true });
  try {
    const planned = runs[0].planned;
    const parameters = planned.adapter.instance.layout.reduce((n, spec) => n + spec.shape.reduce((a, b) => a * b, 1), 0);
    const rows = median(planned.clients.map((client) => client.slots[0].indices.length));
    return { label, experiment: file, parameters, rowsPerSlot: rows };
  } finally {
    federation.base.dispose();
  }
}

/** A job as a run queues it, for a slot of `rows` rows and a start vector of `parameters` values. */
function jobData(round, client, rows, parameters, digest) {
  return {
    recipe: 'f'.repeat(64),
    round,
    client,
    slot: 0,
    random: { seed: 42, round, client, stream: 3 },
    start: { key: `fedtune:vector:bench:${digest}`, digest, length: parameters },
    indices: Buffer.from(new Uint32Array(rows).map((_, i) => i * 7).buffer).toString('base64'),
  };
}

/**
 * A worker that trains nothing: it reads the start vector and stores it back as the trained one,
 * answering the job with the result's key, as `fedtune worker` does.
 */
function echoWorker(name, url, keys) {
  let count = 0;
  return new Worker(
    name,
    async (job) => {
      const stored = await keys.get(job.data.start.key);
      const { recipe, round, client, slot } = job.data;
      const key = resultKey(`bench-${count++}`);
      await keys.set(key, JSON.stringify({ recipe, round, client, slot, parameters: stored, meanLoss: 0.5, steps: 1, samples: 32 }));
      return { ok: true, value: { result: key } };
    },
    { connection: redisClient(url), concurrency: 1 },
  );
}

async function overheadPerJob(url, shape) {
  const name = `bench-overhead-${shape.parameters}`;
  const client = redisClient(url);
  const queue = new Queue(name, { connection: client });
  const events = new QueueEvents(name, { connection: redisClient(url) });
  const worker = echoWorker(name, url, client);
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), worker.waitUntilReady()]);
  const vector = Buffer.from(new Float32Array(shape.parameters).fill(0.25).buffer).toString('base64');
  const digest = 'e'.repeat(64);
  await client.set(`fedtune:vector:bench:${digest}`, vector);
  const times = [];
  let jobBytes = 0;
  let resultBytes = 0;
  for (let i = 0; i < OVERHEAD_JOBS; i++) {
    const data = jobData(0, i, shape.rowsPerSlot, shape.parameters, digest);
    const started = performance.now();
    const job = await queue.add('train', data, { removeOnComplete: false });
    const reply = await job.waitUntilFinished(events);
    await job.remove();
    const key = resultKeyOf(reply, data, (error) => new Error(error.message));
    const result = await client.get(key);
    await client.del(key);
    acceptResult(result, data);
    times.push(performance.now() - started);
    jobBytes = JSON.stringify(data).length;
    resultBytes = result.length;
  }
  await worker.close();
  await Promise.all([queue.obliterate({ force: true }), client.del(`fedtune:vector:bench:${digest}`)]);
  await Promise.all([queue.close(), events.close()]);
  return {
    ...shape,
    jobMs: median(times.slice(1)),
    jobBytes,
    resultBytes,
    startVectorBytesPerRound: vector.length,
  };
}

async function deleteResults(client) {
  for (let cursor = '0'; ; ) {
    const [next, keys] = await client.scan(cursor, 'MATCH', 'fedtune:result:bench-*', 'COUNT', 1000);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
    if (cursor === '0') return;
  }
}

async function usedMemory(client) {
  const info = await client.info();
  return Number(/used_memory:(\d+)/.exec(info)[1]);
}

async function memoryOfRound(url, shape) {
  const name = 'bench-memory';
  const client = redisClient(url);
  const queue = new Queue(name, { connection: client });
  const events = new QueueEvents(name, { connection: redisClient(url) });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  const before = await usedMemory(client);
  const vector = Buffer.from(new Float32Array(shape.parameters).buffer).toString('base64');
  const digest = 'd'.repeat(64);
  await client.set(`fedtune:vector:bench:${digest}`, vector);
  const rows = Math.max(1, Math.floor(45_000 / MEMORY_CLIENTS));
  for (let first = 0; first < MEMORY_CLIENTS; first += 1000) {
    const batch = Array.from({ length: 1000 }, (_, i) => ({
      name: 'train',
      data: jobData(0, first + i, rows, shape.parameters, digest),
      opts: { removeOnComplete: false },
    }));
    await queue.addBulk(batch);
  }
  const queued = await usedMemory(client);
  const done = new Promise((resolve) => {
    let count = 0;
    events.on('completed', () => {
      count += 1;
      if (count === MEMORY_CLIENTS) resolve();
    });
  });
  const worker = echoWorker(name, url, client);
  worker.concurrency = 8;
  await done;
  await worker.close();
  const answered = await usedMemory(client);
  // What stays once the run has read every result and removed it and its job: BullMQ's event stream.
  await queue.clean(0, MEMORY_CLIENTS, 'completed');
  await deleteResults(client);
  const read = await usedMemory(client);
  await queue.obliterate({ force: true });
  await client.del(`fedtune:vector:bench:${digest}`);
  await Promise.all([queue.close(), events.close()]);
  const mib = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;
  return {
    clients: MEMORY_CLIENTS,
    parameters: shape.parameters,
    rowsPerSlot: rows,
    usedMemoryBeforeMiB: mib(before),
    queuedMiB: mib(queued - before),
    queuedBytesPerJob: Math.round((queued - before) / MEMORY_CLIENTS),
    answeredMiB: mib(answered - before),
    answeredBytesPerJob: Math.round((answered - before) / MEMORY_CLIENTS),
    afterJobsRemovedMiB: mib(read - before),
  };
}

const redis = await startTestRedis();
try {
  const rounds = await roundTimes(redis.url);
  const shapes = [await jobShape('quickstart.json', 'quickstart (MLP, LoRA r=4)'), await jobShape('text/next-byte.json', 'text transformer (next-byte, LoRA r=4)')];
  const overhead = [];
  for (const shape of shapes) {
    overhead.push(await overheadPerJob(redis.url, shape));
    const last = overhead.at(-1);
    console.log(`${shape.label}: ${last.jobMs.toFixed(2)} ms a job, ${last.jobBytes} B job, ${last.resultBytes} B result`);
  }
  const memory = await memoryOfRound(redis.url, shapes[0]);
  console.log(
    `10,000-client round: ${memory.queuedMiB} MiB queued, ${memory.answeredMiB} MiB answered, ${memory.afterJobsRemovedMiB} MiB once the jobs are removed`,
  );
  const path = await writeBenchResults('queue', {
    benchmark: 'queue',
    description:
      'Clients trained through Redis (BullMQ) by `fedtune worker` processes next to worker threads; per-job queue overhead with a worker that trains nothing; Redis memory of a 10,000-client round (INFO used_memory)',
    machine: machineInfo(),
    redis: (await import('node:child_process')).execFileSync('redis-server', ['--version']).toString().trim(),
    roundTime: { experiment: `examples/quickstart.json, ${ROUNDS} rounds, 1 local epoch, no comparison; round 0 (start-up) apart, the median of the others`, results: rounds },
    overheadPerJob: overhead,
    memory10kRound: memory,
  });
  console.log(`written: ${path}`);
} finally {
  await redis.stop();
}
process.exit(0);
