import { defaultWorkerCount, expandRuns, resolveNamed, type Experiment, type RunOptions } from '@fedtune/core';

/** The training workers a run starts, and the note to print when fewer than asked for. */
export interface WorkerCount {
  workers: number;
  note?: string;
}

/**
 * The worker threads `fedtune run` trains with: `requested` (`--workers`; one per core when
 * absent), but no more than the client slots a round of the experiment trains at once, nor than
 * the cores here. A worker past either cap would only idle, each holding its own copy of the base.
 * A requested count lowered gets a one-line note; the default is lowered silently.
 * @param cores the cores available; this machine's by default.
 */
export function runWorkerCount(
  requested: number | undefined,
  experiment: Experiment,
  container: RunOptions['container'],
  cores = defaultWorkerCount(),
): WorkerCount {
  const slots = slotsPerRound(experiment, container);
  const workers = Math.min(requested ?? cores, slots, cores);
  if (requested === undefined || workers === requested) return { workers };
  const reason = workers === slots ? 'the most client slots a round of this experiment trains at once' : 'the cores available here';
  return { workers, note: `note: --workers ${requested} lowered to ${workers}, ${reason}` };
}

/** The most slots any run of the experiment trains in one round: clients sampled times slots each. */
function slotsPerRound(experiment: Experiment, container: RunOptions['container']): number {
  return Math.max(
    ...expandRuns(experiment).map(({ experiment: run }) => {
      const { numClients, tasksPerClient } = run.data;
      const selector = resolveNamed(container, 'selector', run.selector.name).create(run.selector.options, {
        seed: run.seed,
        numClients,
      });
      // A selector without a fixed share may pick every client; rounding up never undercounts.
      const sampled = Math.min(numClients, Math.max(1, Math.ceil((selector.participation ?? 1) * numClients)));
      return sampled * (run.training.taskSlots === 'shared' ? 1 : tasksPerClient.max);
    }),
  );
}
