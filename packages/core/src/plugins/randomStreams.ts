import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { PluginError } from '../errors.js';
import { CORE_RANDOM_STREAMS, PLUGIN_RANDOM_STREAMS, type RandomStreamRange } from '../random/counterRandom.js';

/** A range of random stream ids and the package that draws from it. */
export interface RandomStreamReservation extends RandomStreamRange {
  /** The package name, shown when two packages claim the same ids. */
  plugin: string;
}

/** Where reservations live in a container; a `Symbol.for` key, like the contract tokens, so every copy of core shares it. */
const RANDOM_STREAM_RESERVATION: InjectionToken<RandomStreamReservation> = Symbol.for(
  'fedtune.RandomStreamReservation',
);

/**
 * Reserves stream ids `first` … `first + count − 1` for a plugin's draws from core's counter-based
 * random function. Call it inside `register(container)`, beside `registerNamed`: two packages that
 * drew from one stream id with the same seed, round and client would get the same numbers, so an
 * overlap fails at load time, naming both packages, rather than silently correlating two methods.
 * @throws PluginError when the range is malformed, lies outside 1000 … 65535 (below are core's ids;
 *   from 65536 on, the ids of a multi-task client's other adapter slots) or overlaps a range
 *   another package reserved in this container.
 */
export function reserveRandomStreams(container: DependencyContainer, reservation: RandomStreamReservation): void {
  assertWellFormed(reservation);
  if (!within(reservation, PLUGIN_RANDOM_STREAMS)) {
    throw new PluginError(
      `${reservation.plugin} reserves random streams ${formatStreamRange(reservation)}, outside the plugin range ` +
        `${formatStreamRange(PLUGIN_RANDOM_STREAMS)}: ids below ${PLUGIN_RANDOM_STREAMS.first} are core's, and ` +
        `from ${end(PLUGIN_RANDOM_STREAMS)} on they are other adapter slots' copies of each stream; ` +
        `reserve a range inside ${formatStreamRange(PLUGIN_RANDOM_STREAMS)}`,
    );
  }
  addReservation(container, reservation);
}

/** Core's own reservation of its ids, made when core registers; plugins cannot reserve these. */
export function reserveCoreRandomStreams(container: DependencyContainer): void {
  addReservation(container, { plugin: '@fedtune/core', ...CORE_RANDOM_STREAMS });
}

/** Every range reserved in `container`, in ascending order of first id. */
export function listRandomStreamReservations(container: DependencyContainer): RandomStreamReservation[] {
  const reservations = container.isRegistered(RANDOM_STREAM_RESERVATION, true)
    ? container.resolveAll(RANDOM_STREAM_RESERVATION)
    : [];
  return reservations.sort((a, b) => a.first - b.first);
}

function addReservation(container: DependencyContainer, reservation: RandomStreamReservation): void {
  const taken = listRandomStreamReservations(container);
  const clash = taken.find((other) => reservation.first < end(other) && other.first < end(reservation));
  if (clash !== undefined) {
    const inUse = taken.map((other) => `${formatStreamRange(other)} ${other.plugin}`).join(', ');
    throw new PluginError(
      `random streams ${formatStreamRange(reservation)} of ${reservation.plugin} overlap ${formatStreamRange(clash)} ` +
        `of ${clash.plugin}: both would draw the same numbers. Move one package to a free range ` +
        `(reserved: ${inUse}; plugins reserve from ${formatStreamRange(PLUGIN_RANDOM_STREAMS)})`,
    );
  }
  container.register(RANDOM_STREAM_RESERVATION, { useValue: { ...reservation } });
}

/** Plugins are plain JavaScript at run time, so the reservation's shape is checked rather than trusted. */
function assertWellFormed(reservation: RandomStreamReservation): void {
  const { plugin, first, count } = reservation as Partial<Record<keyof RandomStreamReservation, unknown>>;
  if (typeof plugin !== 'string' || plugin.length === 0) {
    throw new PluginError('a random stream reservation needs "plugin": the package name that reserves the range');
  }
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(count) || (count as number) < 1) {
    throw new PluginError(
      `${plugin} reserves random streams with first ${String(first)} and count ${String(count)}; ` +
        'both must be whole numbers, count at least 1',
    );
  }
}

function within(range: RandomStreamRange, bounds: RandomStreamRange): boolean {
  return range.first >= bounds.first && end(range) <= end(bounds);
}

/** One past the last id of a range. */
function end(range: RandomStreamRange): number {
  return range.first + range.count;
}

/** A range as people read it: `1000–1001`, or `1200` for a single id. */
export function formatStreamRange(range: RandomStreamRange): string {
  return range.count === 1 ? `${range.first}` : `${range.first}–${end(range) - 1}`;
}
