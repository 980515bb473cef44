import { ConfigError } from '../errors.js';
import type { ComponentSpec, Experiment, ExperimentOverrides } from '../experiment/schema.js';

/** One run of an experiment: the main one or a `compare` entry with its overrides applied. */
export interface RunSpec {
  label: string;
  /** Folder name under `compare/`, or empty for the main run. */
  folder: string;
  experiment: Experiment;
}

/** A label as a folder name: lower case, runs of other characters as one dash. */
export function slugify(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'run';
}

function pick(base: ComponentSpec, override: ComponentSpec | undefined): ComponentSpec {
  return override ?? base;
}

/**
 * The main adapter block with a comparison's overrides. `options` belong to the adapter they were
 * written for: an entry that names another adapter starts from that adapter's defaults, not from
 * the main adapter's options (which it would refuse as unknown).
 */
function overrideAdapter(base: Experiment['adapter'], override: ExperimentOverrides['adapter']): Experiment['adapter'] {
  const renamed = override?.name !== undefined && override.name !== base.name;
  return { ...base, ...(renamed ? { options: {} } : {}), ...override };
}

/** The main run and each comparison, with overrides merged over the main experiment. */
export function expandRuns(experiment: Experiment): RunSpec[] {
  const main: RunSpec = {
    label: experiment.label ?? experiment.adapter.name,
    folder: '',
    experiment: { ...experiment, compare: [] },
  };
  const used = new Set<string>();
  const comparisons = experiment.compare.map((overrides: ExperimentOverrides) => {
    let folder = slugify(overrides.label);
    while (used.has(folder)) folder = `${folder}-x`;
    used.add(folder);
    const merged: Experiment = {
      ...experiment,
      label: overrides.label,
      compare: [],
      adapter: overrideAdapter(experiment.adapter, overrides.adapter),
      training: { ...experiment.training, ...overrides.training },
      compressor: pick(experiment.compressor, overrides.compressor),
      selector: pick(experiment.selector, overrides.selector),
      aggregator: pick(experiment.aggregator, overrides.aggregator),
      channel: pick(experiment.channel, overrides.channel),
      updateScreen: overrides.updateScreen ?? experiment.updateScreen,
    };
    return { label: overrides.label, folder, experiment: merged };
  });
  return [main, ...comparisons];
}

/** Runs `check`, prefixing a comparison's label to the configuration error it throws. */
export function withRunLabel<T>(spec: RunSpec, check: () => T): T {
  if (spec.folder === '') return check();
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(`compare entry "${spec.label}": ${error.message}`, { cause: error });
  }
}
