import type { DependencyContainer } from 'tsyringe';
import { assertModelMatchesBase } from '../experiment/modelMatchesBase.js';
import type { Experiment } from '../experiment/schema.js';
import { prepareFederation } from '../federation/prepareFederation.js';
import type { Federation } from '../federation/types.js';
import { planRun, type PlannedRun } from './plannedRun.js';
import { expandRuns, type RunSpec, withRunLabel } from './runSpecs.js';

/** An experiment ready for its first round: the federation built, every run planned and checked. */
export interface PreparedExperiment {
  federation: Federation;
  /** The main run first, then each `compare` entry. */
  runs: readonly { spec: RunSpec; planned: PlannedRun }[];
}

/** How {@link prepareExperiment} prepares. */
export interface ExperimentPreparationOptions {
  /** Folder relative paths in the experiment are resolved against. */
  experimentDir: string;
  /** Container with core components and the experiment's plugins registered. */
  container: DependencyContainer;
  /**
   * Check the base against `experiment.model`. A resumed run skips it: it was checked when the run
   * started, and records written before the check carry the old defaults whatever their base was.
   */
  checkModel: boolean;
  /** Receives the base loader's notes (widened dtypes, say), once for the experiment. */
  log?: (line: string) => void;
}

/**
 * Everything a run does before its first round, shared by `fedtune run` and its dry run: the data
 * read and partitioned, the base loaded and checked against the experiment's model, and every run's
 * components built and checked before the first starts — a bad pairing in the last comparison fails
 * now, not after hours of the others. On failure the loaded base is released.
 */
export async function prepareExperiment(experiment: Experiment, options: ExperimentPreparationOptions): Promise<PreparedExperiment> {
  const federation = await prepareFederation(experiment, options.experimentDir);
  try {
    for (const note of federation.baseNotes ?? []) options.log?.(`note: ${note}`);
    if (options.checkModel) assertModelMatchesBase(experiment.model, federation.base, federation.basePath);
    const runs = expandRuns(experiment).map((spec) => ({
      spec,
      planned: withRunLabel(spec, () => planRun(spec, federation, options.container)),
    }));
    return { federation, runs };
  } catch (error) {
    federation.base.dispose();
    throw error;
  }
}
