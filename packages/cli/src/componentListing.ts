/**
 * What `fedtune list --json` prints: a stable shape that scripts may read. Fields are only ever
 * added; `options` is `null` for a component whose factory does not describe its options.
 */
export interface ComponentListing {
  /** Installed fedtune plugins that loaded, by name. */
  plugins: { name: string; version: string }[];
  /** Installed fedtune plugins that failed to load, with why; their components are missing below. */
  failed: { name: string; error: string }[];
  /** One entry per kind, in {@link COMPONENT_KINDS} order. */
  kinds: ListedKind[];
}

/** Every kind of component an experiment file picks by name. */
export const COMPONENT_KINDS = [
  'backend',
  'adapter',
  'compressor',
  'selector',
  'aggregator',
  'channel',
  'dataset',
  'partition',
  'architecture',
] as const;

export type ComponentKind = (typeof COMPONENT_KINDS)[number];

/** The components of one kind. */
export interface ListedKind {
  kind: ComponentKind;
  /** Where the experiment file names one, e.g. `data.partition.kind`. */
  field: string;
  /** Sorted by name. */
  components: ListedComponent[];
}

/** One component and what it takes. */
export interface ListedComponent {
  name: string;
  /** The package that provides it (`@fedtune/core` for core's own). */
  from: string;
  description?: string;
  options: ListedOption[] | null;
}

/** One option of a component, from its schema. */
export interface ListedOption {
  name: string;
  /** What it accepts, in words: `an integer from 1 to 65535`. */
  type: string;
  required: boolean;
  /** Absent when the option has no default. */
  default?: unknown;
  description?: string;
}
