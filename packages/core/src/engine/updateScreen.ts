import type { UpdateScreen } from '../experiment/schema.js';

/** One decoded update of a round, as the screen sees it. */
export interface ScreenedNorms {
  /** ‖Δ‖ of the update as the client sent it (its slice, under heterogeneous ranks). */
  update: number;
  /** ‖θ‖ of the parameters the client started from, cut like the update. */
  start: number;
}

/**
 * The server's norm bound on one round's decoded updates: why each is rejected, or `undefined`
 * where it passes, in the order given.
 *
 * `median-update` rejects ‖Δ‖ > factor × M, M the median of the latest update norm of every slot:
 * this round's updates and, for each slot that sent none this round, `earlier` (its latest). A
 * round in which one or two updates arrive is still compared with the federation; only the first
 * rounds, before others have sent, rest on the round alone. For an even count M is the upper of the
 * two middle norms, so more than half the norms lie at or below M and the screen never rejects half
 * of them or more: with nothing earlier, one or two updates are never rejected (a round of two
 * cannot tell which is the outlier). Scaling every norm by the same constant changes nothing.
 *
 * `global-model` rejects ‖Δ‖ > factor × ‖θ‖ of the parameters the update started from.
 * A reference norm of 0 gives no scale, so nothing is rejected against it.
 *
 * Norms are of what each client sent: with heterogeneous ranks a slice has fewer values than the
 * full adapter, and the median mixes them (honest rank-1 and rank-8 slices of a LoRA adapter with
 * its head measured norms of the same size).
 */
export function screenUpdates(
  screen: UpdateScreen,
  round: readonly ScreenedNorms[],
  earlier: readonly number[],
): (string | undefined)[] {
  if (screen === 'off') return round.map(() => undefined);
  if (screen.relativeTo === 'global-model') {
    return round.map(({ update, start }) =>
      reasonAbove(screen.factor, update, start, `the norm ${format(start)} of the global model it started from`),
    );
  }
  const median = upperMedian([...round.map((n) => n.update), ...earlier]);
  const what = `the median update norm ${format(median)} (this round's and each other slot's latest)`;
  return round.map(({ update }) => reasonAbove(screen.factor, update, median, what));
}

/** Why `norm` is rejected against `reference` (named by `what`), or `undefined` when within the bound. */
function reasonAbove(factor: number, norm: number, reference: number, what: string): string | undefined {
  if (!(reference > 0 && norm > factor * reference)) return undefined;
  return (
    `its norm ${format(norm)} is ${format(norm / reference)}× ${what}, above the screen's factor ${factor}; ` +
    'if honest clients trip it, raise updateScreen.factor or set updateScreen to "off"'
  );
}

/** The upper median: the middle value, or the larger of the two middle ones. */
function upperMedian(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Three significant digits, in exponent form when large or small: short in a log line. */
function format(value: number): string {
  const rounded = Number(value.toPrecision(3));
  return rounded >= 1e6 || (rounded > 0 && rounded < 1e-3) ? rounded.toExponential() : String(rounded);
}
