import type { Adapter, AdapterInstance, AdapterOptions } from '../contracts/adapter.js';
import { ConfigError } from '../errors.js';
import type { Experiment } from '../experiment/schema.js';
import type { Federation } from '../federation/types.js';
import { RandomStreams } from '../random/counterRandom.js';

/** One adapter instance of a run and the settings it was created with. */
export interface AdapterShape {
  settings: AdapterOptions;
  instance: AdapterInstance;
}

/** A run's adapter: the full instance the global vector belongs to, and the slices clients train. */
export interface RunAdapter extends AdapterShape {
  /** `adapter.clientRanks` of the experiment; absent, every client trains the full adapter. */
  clientRanks: readonly number[] | undefined;
  /** Each client rank below the full rank, with its slice (HeteroFL's nested sub-model). */
  slices: ReadonlyMap<number, AdapterShape>;
}

/** What a run's adapter settings take from the federation's base. */
type BaseAdapterDefaults = Pick<Federation, 'defaultTargetModules' | 'frozenHead' | 'headWithoutBias'>;

/**
 * The settings a run creates its adapter with: the experiment's `adapter` block (rank, alpha,
 * targets, or the base family's default targets), the task's class count, whether the base's head
 * stays frozen or a new one has no bias, and the initialisation key. The adapter's own `options`
 * are not here: its factory validated them and bound them into the adapter.
 */
export function adapterSettings(experiment: Experiment, numClasses: number, base: BaseAdapterDefaults = {}): AdapterOptions {
  return {
    rank: experiment.adapter.rank,
    alpha: experiment.adapter.alpha,
    targetModules: experiment.adapter.targetModules ?? base.defaultTargetModules,
    numClasses,
    // Only where set, so the settings of every other run stay as they were.
    ...(base.frozenHead === true ? { frozenHead: true } : {}),
    ...(base.headWithoutBias === true ? { headWithoutBias: true } : {}),
    random: { seed: experiment.seed, round: 0, client: 0, stream: RandomStreams.initialisation },
  };
}

/**
 * Creates a run's adapter on the federation's base, and with it every check of the adapter that
 * needs the base, the task or a rank: its target modules, options that depend on the rank (such as
 * rmlora's `maskedRank`), and each of `adapter.clientRanks` — at most `adapter.rank`, on an adapter
 * that gives rank slices ({@link AdapterInstance.sliceSettings}). Instances hold no tensors until
 * their initial parameters are asked for, so this is cheap enough to run for every `compare` entry
 * before the first run trains.
 * @throws ConfigError naming the problem and the fix.
 */
export function createRunAdapter(
  adapter: Adapter,
  experiment: Experiment,
  federation: Pick<Federation, 'base' | 'pool'> & BaseAdapterDefaults,
): RunAdapter {
  const modules = federation.base.modules;
  const settings = adapterSettings(experiment, federation.pool.numClasses, federation);
  const instance = adapter.create(modules, settings);
  const { clientRanks } = experiment.adapter;
  const slices = new Map<number, AdapterShape>();
  if (clientRanks === undefined) return { settings, instance, clientRanks, slices };
  const tooHigh = clientRanks.find((rank) => rank > settings.rank);
  if (tooHigh !== undefined) {
    throw new ConfigError(
      `adapter.clientRanks holds rank ${tooHigh}, above adapter.rank ${settings.rank}; a client trains a slice of the global adapter, so set every client rank at most ${settings.rank}.`
    );
  }
  const sliceSettings = instance.sliceSettings?.bind(instance);
  if (sliceSettings === undefined) {
    throw new ConfigError(
      `adapter ${adapter.name} has no rank slices, which adapter.clientRanks needs; remove adapter.clientRanks or choose a LoRA-family adapter.`
    );
  }
  for (const rank of new Set(clientRanks)) {
    if (rank === settings.rank) continue;
    const slice = sliceSettings(rank);
    slices.set(rank, { settings: slice, instance: adapter.create(modules, slice) });
  }
  return { settings, instance, clientRanks, slices };
}
