import { z } from 'zod';

const componentInput = z.union([
  z.string().min(1),
  z.strictObject({
    name: z.string().min(1),
    options: z.record(z.string(), z.unknown()).default({}),
  }),
]);

const toSpec = (value: z.output<typeof componentInput>) =>
  typeof value === 'string' ? { name: value, options: {} } : value;

/** A component picked by name, with options for its factory. A bare string is shorthand. */
const component = (defaultName: string) => componentInput.default(defaultName).transform(toSpec);

/** The same without a default, for overrides that are absent unless given. */
const componentOverride = componentInput.transform(toSpec).optional();

const partition = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('iid') }),
  z.strictObject({ kind: z.literal('dirichlet'), alpha: z.number().positive() }),
  z.strictObject({
    kind: z.literal('shards'),
    classesPerClient: z.number().int().positive(),
  }),
  z.strictObject({
    kind: z.literal('task-groups'),
    /** Classes of each group; clients are split evenly over groups. */
    groups: z.array(z.array(z.number().int().nonnegative()).min(1)).min(1),
  }),
]);

const dataSection = z.strictObject({
  dataset: z.literal('fashion-mnist').default('fashion-mnist'),
  /** `embedded` (the subset in data/), `system` (Debian's dataset-fashion-mnist), `auto`, or a folder of IDX files. */
  source: z.string().min(1).default('embedded'),
  numClients: z.number().int().positive().max(1_000_000),
  partition: partition.default({ kind: 'iid' }),
  /** Classes the base was pre-trained on; the downstream task is every class. */
  upstreamClasses: z.array(z.number().int().min(0).max(9)).min(1).default([0, 1, 2, 3, 4]),
  /** Cap on downstream training images (stratified), for quick runs on the full set. */
  trainLimit: z.number().int().positive().optional(),
  /** Cap on test images (stratified). */
  testLimit: z.number().int().positive().optional(),
});

const modelSection = z.strictObject({
  architecture: z.literal('mlp').default('mlp'),
  /** Path of the frozen base (safetensors), relative to the experiment file; `embedded` uses data/. */
  base: z.string().min(1).default('embedded'),
  hidden: z.array(z.number().int().positive()).min(1).default([256, 128]),
});

/** Adapter fields without defaults: `compare` entries override only what they name. */
const adapterFields = {
  name: z.string().min(1),
  rank: z.number().int().positive().max(1024),
  alpha: z.number().positive(),
  targetModules: z.array(z.string().min(1)).min(1).optional(),
  options: z.record(z.string(), z.unknown()),
};

const adapterSection = z.strictObject({
  ...adapterFields,
  name: adapterFields.name.default('lora'),
  rank: adapterFields.rank.default(4),
  alpha: adapterFields.alpha.default(8),
  options: adapterFields.options.default({}),
});

/** Training fields without defaults (see {@link adapterFields}). */
const trainingFields = {
  rounds: z.number().int().positive().max(100_000),
  localEpochs: z.number().int().positive().max(1000),
  batchSize: z.number().int().positive().max(65_536),
  learningRate: z.number().positive().max(10),
  optimizer: z.enum(['adam', 'sgd']),
  /** tfjs-core kernel backend for local training; `auto` takes the faster one measured here (wasm). */
  tfBackend: z.enum(['auto', 'cpu', 'wasm']),
};

const trainingSection = z.strictObject({
  ...trainingFields,
  localEpochs: trainingFields.localEpochs.default(1),
  batchSize: trainingFields.batchSize.default(32),
  learningRate: trainingFields.learningRate.default(0.005),
  optimizer: trainingFields.optimizer.default('adam'),
  tfBackend: trainingFields.tfBackend.default('auto'),
});

const evaluationSection = z.strictObject({
  /** Evaluate the global model every this many rounds (the last round always). */
  every: z.number().int().positive().default(1),
});

/** The fields a comparison run may override. */
const overridesSection = z.strictObject({
  label: z.string().min(1),
  adapter: z.strictObject(adapterFields).partial().optional(),
  compressor: componentOverride,
  selector: componentOverride,
  aggregator: componentOverride,
  channel: componentOverride,
  training: z.strictObject(trainingFields).partial().optional(),
});

/** The experiment file, validated. Every error names its field. */
export const experimentSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1).default('experiment'),
  /** How this run is labelled beside its `compare` runs (default: the adapter's name). */
  label: z.string().min(1).optional(),
  seed: z.number().int().nonnegative().max(0xffffffff).default(0),
  /** npm packages whose plugins this experiment uses. */
  plugins: z.array(z.string().min(1)).default([]),
  data: dataSection,
  model: modelSection.default({ architecture: 'mlp', base: 'embedded', hidden: [256, 128] }),
  adapter: adapterSection.default({ name: 'lora', rank: 4, alpha: 8, options: {} }),
  training: trainingSection,
  evaluation: evaluationSection.default({ every: 1 }),
  backend: component('reference'),
  compressor: component('none'),
  selector: component('all'),
  aggregator: component('fedavg'),
  channel: component('reliable'),
  /** Runs made beside this one with the same data and seed, e.g. a head-only baseline. */
  compare: z.array(overridesSection).default([]),
});

/** A parsed experiment with every default filled in. */
export type Experiment = z.output<typeof experimentSchema>;
/** What an experiment file may contain. */
export type ExperimentInput = z.input<typeof experimentSchema>;
/** One `compare` entry. */
export type ExperimentOverrides = z.output<typeof overridesSection>;
/** A `{ name, options }` pair. */
export type ComponentSpec = { name: string; options: Record<string, unknown> };
