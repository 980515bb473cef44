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
 * How groups are named: `differences` by the fields whose values differ between groups
 * (`compressor=qsgd(levels=4); training.learningRate=0.01`), `experiment` by each experiment's
 * own `label` (or name), as the experiment files word it, and `auto` by the experiment's own
 * `label` where its file sets one and by the differences where it does not.
 */
export type GroupLabels = 'auto' | 'differences' | 'experiment';

/**
 * Groups runs whose resolved experiments are identical except for the seed, in the order the
 * groups first appear, and labels each as `labels` says. A single group is labelled with its
 * experiment's own label, or its name. With `experiment` labels, groups that share a label are
 * told apart by the fields that differ between them: `LoRA (adapter.rank=2)`.
 */
export function groupRuns(runs: readonly RunRecord[], labels: GroupLabels = 'auto'): RunGroup[] {
  const byIdentity = new Map<string, FieldGroup>();
  for (const run of runs) {
    const fields = experimentFields(run.experiment);
    const identity = JSON.stringify([...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const group = byIdentity.get(identity) ?? { fields, runs: [] };
    group.runs.push(run);
    byIdentity.set(identity, group);
  }
  const groups = [...byIdentity.values()];
  return groups.map((group) => ({
    label: LABELLERS[labels](group, groups),
    runs: [...group.runs].sort((a, b) => a.experiment.seed - b.experiment.seed),
  }));
}

/** Experiments' fields (as {@link experimentFields} gives them) and the runs that share them. */
interface FieldGroup {
  fields: Map<string, string>;
  runs: RunRecord[];
}

const LABELLERS: Record<GroupLabels, (group: FieldGroup, groups: readonly FieldGroup[]) => string> = {
  auto: (group, groups) =>
    group.runs[0]?.experiment.label === undefined ? differencesLabel(group, groups) : experimentLabel(group, groups),
  differences: differencesLabel,
  experiment: experimentLabel,
};

function differencesLabel(group: FieldGroup, groups: readonly FieldGroup[]): string {
  return differences(group, groups) || ownLabel(group.runs);
}

function experimentLabel(group: FieldGroup, groups: readonly FieldGroup[]): string {
  const own = ownLabel(group.runs);
  const namesakes = differences(
    group,
    groups.filter((other) => ownLabel(other.runs) === own),
  );
  return namesakes === '' ? own : `${own} (${namesakes})`;
}

/** `path=value; …` for each field whose value differs between `among`, as `group` has it. */
function differences(group: FieldGroup, among: readonly FieldGroup[]): string {
  const paths = differingFields(among.map((other) => other.fields));
  return paths.map((path) => `${path}=${group.fields.get(path) ?? UNSET}`).join('; ');
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
