// A queue worker process for the tests: the built package, as `fedtune worker` runs it. Prints
// `ready` once it waits for jobs and `started <round> <client> <slot>` as each job starts, so tests
// wait for events, not for a clock. Arguments: the Redis URL and the lock time in ms.
import { startQueueWorker } from '../../dist/index.js';

const [url, lockMs] = process.argv.slice(2);
const worker = await startQueueWorker({
  url,
  lockMs: Number(lockMs),
  onJob: (job) => {
    if (job.phase === 'started') process.stdout.write(`started ${job.round} ${job.client} ${job.slot}\n`);
  },
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
