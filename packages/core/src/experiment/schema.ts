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

/**
 * What a Dirichlet partition does with small shares: `redraw` (also when absent) draws again until
 * every client holds at least max(1, min(10, ⌊n/(2N)⌋)) images; `{ dropBelow: f }` (FL-TAC's code,
 * f = 0.01) keeps one draw, gives every share below f nothing and renormalises the others, and a
 * client left without images of a task does not hold it. Above one half, at most one share could stay.
 */
const smallShares = z.union([z.literal('redraw'), z.strictObject({ dropBelow: z.number().gt(0).max(0.5) })]).optional();

const partition = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('iid') }),
  z.strictObject({ kind: z.literal('dirichlet'), alpha: z.number().positive(), smallShares }),
  /** Quantity skew: client shares p ~ Dir(α·1_N) of IID images (each task's split in FL-TAC). */
  z.strictObject({ kind: z.literal('dirichlet-quantity'), alpha: z.number().positive(), smallShares }),
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

/**
 * A downstream task made from the same images: rotated by a multiple of 90° and/or with classes
 * relabelled (`relabel[c]` is the new label of class c), so tasks differ in what they ask.
 */
const taskSpec = z.strictObject({
  name: z.string().min(1),
  rotate: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]).default(0),
  relabel: z.array(z.number().int().min(0).max(255)).length(10).optional(),
});

const dataSection = z.strictObject({
  dataset: z
    .enum(['fashion-mnist', 'fortunes-topic', 'fortunes-language', 'fortunes-next-byte', 'fortunes-multitask', 'text-files', 'image-folder'])
    .default('fashion-mnist')
    .describe(
      'fashion-mnist (images); fortunes-topic, fortunes-language, fortunes-next-byte (perplexity in the ledger) or ' +
        'fortunes-multitask (topic and language as two tasks): Debian\'s fortune collections, for the byte-level ' +
        'transformer; or text-files: your own texts (data.path), tokenized by the Hugging Face model folder model.base ' +
        'names, for data.task causal-lm or classification; or image-folder: your own images in class folders (data.path), ' +
        'for a fedtune base file.',
    ),
  /**
   * Images: `embedded` (the subset in data/), `system` (Debian's dataset-fashion-mnist), `auto`, or a
   * folder of IDX files. Text: `system` (or `embedded`/`auto`) reads the installed fortunes; or a folder.
   */
  source: z.string().min(1).default('embedded'),
  path: z
    .string()
    .min(1)
    .optional()
    .describe(
      'text-files: a .jsonl, .csv or .tsv file of records, or a folder of .txt files (one text per file, class ' +
        'subfolders for labels), relative to the experiment file. 20% of the texts, chosen by content and seed, are the test side. ' +
        'image-folder: the training images, a folder of class folders of PNG or JPEG files, relative to the experiment file.',
    ),
  testPath: z
    .string()
    .min(1)
    .optional()
    .describe(
      'image-folder only: the test images, class folders named as in data.path, relative to the experiment file. Without it, ' +
        '20% of each class of data.path, drawn from the seed, are the test side.',
    ),
  imageSize: z
    .tuple([z.number().int().positive().max(4096), z.number().int().positive().max(4096)])
    .optional()
    .describe(
      'image-folder only: [rows, cols] every image is resized to (bilinear); rows × cols must be the base\'s input size ' +
        '(28 × 28 for the embedded base). Without it every image must have the size of the first.',
    ),
  task: z
    .enum(['causal-lm', 'classification'])
    .optional()
    .describe(
      'text-files only: causal-lm (default; next-token prediction with the model\'s own frozen LM head, test perplexity in ' +
        'the ledger; partition iid or dirichlet-quantity) or classification (a new head of one output per label, read at ' +
        'the last real token; accuracy in the ledger).',
    ),
  textField: z
    .string()
    .min(1)
    .optional()
    .describe('text-files only: the JSONL field or CSV/TSV column holding the text (default "text").'),
  labelField: z
    .string()
    .min(1)
    .optional()
    .describe(
      'text-files only: the JSONL field or CSV/TSV column holding the label (default "label"; when named, every record must have one).',
    ),
  numClients: z.number().int().positive().max(1_000_000),
  partition: partition.default({ kind: 'iid' }),
  /** Classes the base was pre-trained on; the downstream task is every class. */
  upstreamClasses: z.array(z.number().int().min(0).max(9)).min(1).default([0, 1, 2, 3, 4]),
  /** Cap on downstream training images (stratified), for quick runs on the full set. */
  trainLimit: z.number().int().positive().optional(),
  /** Cap on test images (stratified). */
  testLimit: z.number().int().positive().optional(),
  /**
   * Downstream tasks; without it there is one, the 10-class task. Each task's images are split over
   * the clients that hold it by `partition`.
   */
  tasks: z.array(taskSpec).min(1).max(16).optional(),
  /** How many tasks each client holds, drawn uniformly in [min, max] (every task gets a client). */
  tasksPerClient: z
    .strictObject({ min: z.number().int().positive(), max: z.number().int().positive() })
    .refine((range) => range.min <= range.max, { message: 'min must not exceed max' })
    .default({ min: 1, max: 1 }),
});

/**
 * The frozen base. Its file fixes the architecture and layer sizes, which a run uses as they are;
 * `architecture` and `hidden` only state what the base must be, and a run refuses a base that
 * differs (see `assertModelMatchesBase`).
 */
const modelSection = z.strictObject({
  architecture: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The architecture the base must have (mlp, transformer, or one a plugin registers); a run refuses a base of another. ' +
        'The base file decides it: leave it out to take the base as it is.',
    ),
  base: z
    .string()
    .min(1)
    .default('embedded')
    .describe(
      'The frozen base, relative to the experiment file: a fedtune base file (.safetensors; embedded: the one in data/ ' +
        'for the dataset), or a Hugging Face model folder (config.json, model.safetensors or its shards, tokenizer.json), ' +
        'which needs data.dataset text-files.',
    ),
  contextLength: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      'Hugging Face model folders only: tokens per example (the window a causal-lm example predicts from, or where a ' +
        'classified text is cut). Default 128, or the model\'s maximum when that is shorter; above the maximum is refused.',
    ),
  hidden: z
    .array(z.number().int().positive())
    .min(1)
    .optional()
    .describe(
      'The hidden layer widths an mlp base must have; a run refuses a base with others. The base file decides them ' +
        '(`fedtune pretrain --hidden` sets them): leave it out to take the base as it is.',
    ),
});

/** Adapter fields without defaults: `compare` entries override only what they name. */
const adapterFields = {
  name: z.string().min(1),
  rank: z.number().int().positive().max(1024),
  // The update is scaled by alpha / rank (alpha / √rank with rsLoRA); far past the few hundred used
  // in practice, that scale overflows float32 in the first step and every client diverges.
  alpha: z
    .number()
    .positive()
    .max(65_536)
    .describe('LoRA scale numerator: the update is scaled by alpha / rank; at most 65536'),
  targetModules: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe(
      'Modules to adapt, matched as PEFT matches a list: a key selects every module whose path equals it or ends with "." + key (c_attn, attn.q, or a full path). When absent: a Hugging Face model\'s PEFT defaults (c_attn for GPT-2, q_proj and v_proj for LLaMA), every module but the head otherwise'
    ),
  /**
   * The adapter's own options, validated by the adapter before round 0, unknown keys refused
   * (`lora`: `useRsLora`; `head`: none; a plugin's adapter: its README). A `compare` entry that
   * names another adapter starts from that adapter's defaults instead of inheriting them.
   */
  options: z.record(z.string(), z.unknown()),
  /**
   * Heterogeneous clients, HeteroFL-style: client c trains the leading slice of rank
   * `clientRanks[c mod length]` of the global adapter (each at most `rank`), and sends only that
   * slice. Absent, every client trains the full rank.
   */
  clientRanks: z.array(z.number().int().positive().max(1024)).min(1).max(64),
};

const adapterSection = z.strictObject({
  ...adapterFields,
  name: adapterFields.name.default('lora'),
  rank: adapterFields.rank.default(4),
  alpha: adapterFields.alpha.default(8),
  options: adapterFields.options.default({}),
  clientRanks: adapterFields.clientRanks.optional(),
});

/** Training fields without defaults (see {@link adapterFields}). */
const trainingFields = {
  rounds: z.number().int().positive().max(100_000),
  localEpochs: z.number().int().positive().max(1000),
  /**
   * Optimiser steps per round instead of `localEpochs` passes (FL-TAC's τ local steps): every slot
   * spends the same local budget, whatever its number of images.
   */
  localSteps: z.number().int().positive().max(1_000_000),
  batchSize: z.number().int().positive().max(65_536),
  learningRate: z.number().positive().max(10),
  optimizer: z.enum(['adam', 'sgd']),
  /** tfjs-core kernel backend for local training; `auto` takes the faster one measured here (wasm). */
  tfBackend: z.enum(['auto', 'cpu', 'wasm']),
  /**
   * `per-task`: a client trains one adapter slot per task it holds; `shared`: one slot trained on
   * all its tasks' images together (FedIT).
   */
  taskSlots: z.enum(['per-task', 'shared']),
};

const trainingSection = z.strictObject({
  ...trainingFields,
  localEpochs: trainingFields.localEpochs.default(1),
  localSteps: trainingFields.localSteps.optional(),
  batchSize: trainingFields.batchSize.default(32),
  learningRate: trainingFields.learningRate.default(0.005),
  optimizer: trainingFields.optimizer.default('adam'),
  tfBackend: trainingFields.tfBackend.default('auto'),
  taskSlots: trainingFields.taskSlots.default('per-task'),
});

const evaluationSection = z.strictObject({
  every: z
    .number()
    .int()
    .positive()
    .default(1)
    .describe('Evaluate after every this many rounds (rounds N, 2N, 3N, … counting from 1 for every: N) and always after the last round; 1 evaluates every round.'),
  testLimit: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      'Test examples per task on evaluated rounds before the last: a stratified subset drawn once from the seed, the same ' +
        'every round, so the curve stays comparable. The last round always evaluates every test example (of data.testLimit ' +
        'when that is set). A task with no more test examples than this evaluates all of them. Without it every evaluation ' +
        'uses every test example.',
    ),
});

/**
 * The default factor of the update screen: an update more than this many times the median update
 * norm is rejected. Honest runs measured at most 8.1× (39× once, a rank-1 slice's spike) and the
 * diverged updates of collapsing runs 929× and more; 100 sits between (README, "Update screen";
 * `packages/core/bench/update-norms.mjs`).
 */
export const DEFAULT_UPDATE_SCREEN_FACTOR = 100;

/**
 * The server's norm bound on each decoded update, before aggregation (see `engine/updateScreen.ts`).
 * `median-update`: ‖Δ‖ ≤ factor × the median of this round's update norms and each other slot's
 * latest; `global-model`: ‖Δ‖ ≤ factor × ‖the parameters the client started from‖, a bound with no
 * default because it depends on the adapter's scale.
 */
const updateScreen = z
  .union([
    z.literal('off'),
    z.discriminatedUnion('relativeTo', [
      z.strictObject({
        relativeTo: z.literal('median-update'),
        factor: z.number().gt(1).default(DEFAULT_UPDATE_SCREEN_FACTOR),
      }),
      z.strictObject({ relativeTo: z.literal('global-model'), factor: z.number().positive() }),
    ]),
  ])
  .describe(
    'Rejects a decoded update whose norm exceeds factor × the median update norm (median-update: over this ' +
      `round's updates and each other client slot's latest; default factor ${DEFAULT_UPDATE_SCREEN_FACTOR}) or factor × ` +
      'the norm of the global model the client started from (global-model). A rejected update counts in the ' +
      'ledger\'s "rejected" and never reaches the aggregator. "off" turns the screen off.',
  );

/** The fields a comparison run may override. */
const overridesSection = z.strictObject({
  label: z.string().min(1),
  adapter: z.strictObject(adapterFields).partial().optional(),
  compressor: componentOverride,
  selector: componentOverride,
  aggregator: componentOverride,
  channel: componentOverride,
  training: z.strictObject(trainingFields).partial().optional(),
  updateScreen: updateScreen.optional(),
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
  model: modelSection.default({ base: 'embedded' }),
  adapter: adapterSection.default({ name: 'lora', rank: 4, alpha: 8, options: {} }),
  training: trainingSection,
  evaluation: evaluationSection.default({ every: 1 }),
  backend: component('reference'),
  compressor: component('none'),
  selector: component('all'),
  aggregator: component('fedavg'),
  channel: component('reliable'),
  updateScreen: updateScreen.default({ relativeTo: 'median-update', factor: DEFAULT_UPDATE_SCREEN_FACTOR }),
  /** Runs made beside this one with the same data and seed, e.g. a head-only baseline. */
  compare: z.array(overridesSection).default([]),
});

/** A parsed experiment with every default filled in. */
export type Experiment = z.output<typeof experimentSchema>;
/** What an experiment file may contain. */
export type ExperimentInput = z.input<typeof experimentSchema>;
/** One `compare` entry. */
export type ExperimentOverrides = z.output<typeof overridesSection>;
/** One downstream task of `data.tasks`. */
export type TaskSpec = z.output<typeof taskSpec>;
/** The update screen of an experiment, or `"off"`. */
export type UpdateScreen = z.output<typeof updateScreen>;
/** A `{ name, options }` pair. */
export type ComponentSpec = { name: string; options: Record<string, unknown> };
