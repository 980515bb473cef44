import type { RunRecord } from '../read/types.js';
import { experimentFields } from './experimentFields.js';

/** Runs of one experiment that differ only in their seed, under a label naming what sets them apart. */
export interface RunGroup {
  /** What differs from the other groups, e.g. `compressor=qsgd(levels=4)`; see {@link groupRuns}. */
  label: string;
  /** The runs, by seed. */
  runs: RunRecord[];
}

/** Text shown for a field that one experiment has and another lacks. */
const UNSET = 'unset';

/**
 * Groups runs whose resolved experiments are identical except for the seed, in the order the
 * groups first appear, and labels each group by the fields whose values differ between groups
 * (`compressor=qsgd(levels=4); training.learningRate=0.01`). A single group is labelled with
 * its experiment's own label, or its name.
 */
export function groupRuns(runs: readonly RunRecord[]): RunGroup[] {
  const byIdentity = new Map<string, { fields: Map<string, string>; runs: RunRecord[] }>();
  for (const run of runs) {
    const fields = experimentFields(run.experiment);
    const identity = JSON.stringify([...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const group = byIdentity.get(identity) ?? { fields, runs: [] };
    group.runs.push(run);
    byIdentity.set(identity, group);
  }
  const groups = [...byIdentity.values()];
  const differing = differingFields(groups.map((group) => group.fields));
  return groups.map(({ fields, runs: members }) => ({
    label:
      differing.length === 0
        ? ownLabel(members)
        : differing.map((path) => `${path}=${fields.get(path) ?? UNSET}`).join('; '),
    runs: [...members].sort((a, b) => a.experiment.seed - b.experiment.seed),
  }));
}

/** Field paths, in first-seen order, whose value (or presence) is not the same in every experiment. */
function differingFields(experiments: readonly Map<string, string>[]): string[] {
  const paths = new Set(experiments.flatMap((fields) => [...fields.keys()]));
  return [...paths].filter((path) => new Set(experiments.map((fields) => fields.get(path))).size > 1);
}

function ownLabel(runs: readonly RunRecord[]): string {
  const experiment = runs[0]?.experiment;
  return experiment?.label ?? experiment?.name ?? 'run';
}
