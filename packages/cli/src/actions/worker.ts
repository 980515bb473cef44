import { resolve } from 'node:path';
import { startQueueWorker } from '@fedtune/queue';
import type { CliIo } from '../io.js';

/** Options of `fedtune worker`, as commander parses them. */
export interface WorkerCommandOptions {
  queue: string;
  concurrency: number;
  data?: string;
  lockMs?: number;
}

/** Takes training jobs off the queue until the process is interrupted, then lets the jobs in hand finish. */
export async function workerCommand(options: WorkerCommandOptions, io: CliIo): Promise<void> {
  const write = (line: string) => io.stdout.write(`${line}\n`);
  let trained = 0;
  const worker = await startQueueWorker({
    url: options.queue,
    concurrency: options.concurrency,
    ...(options.data === undefined ? {} : { dataDir: resolve(options.data) }),
    ...(options.lockMs === undefined ? {} : { lockMs: options.lockMs }),
    onJob: (job) => {
      if (job.phase === 'finished') trained += 1;
    },
    log: write,
  });
  write(`worker: waiting for jobs on ${worker.address} (concurrency ${options.concurrency}); stop with Ctrl-C`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  write('worker: stopping once the jobs in hand are trained');
  await worker.close();
  write(`worker: stopped after ${trained} job${trained === 1 ? '' : 's'}`);
}
