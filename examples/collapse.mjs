// When an example's run counts as collapsed, shared by the scripts that build the READMEs' tables
// (examples/aquila/tables.mjs, examples/safari/summarise.mjs), so every table counts collapses alike.
import { lateAccuracy as lateAccuracyOf } from '@fedtune/report';

/** Evaluations averaged into a run's late accuracy: steadier than its final accuracy alone. */
export const LATE_ROUNDS = 5;
/** Twice chance on 10 classes: a run whose late accuracy is below it learned next to nothing. */
export const COLLAPSE_ACCURACY = 0.2;
/** The collapse rule in words, for the text under a table that counts collapses. */
export const COLLAPSE_RULE =
  `a run collapses when its test accuracy averaged over its last ${LATE_ROUNDS} evaluated rounds is below ` +
  `${COLLAPSE_ACCURACY * 100}% or below its accuracy at its first evaluation (after round 0 where every round is evaluated)`;

/**
 * Mean test accuracy over a run's last {@link LATE_ROUNDS} evaluated rounds (all of a shorter run).
 * @param run a run as `discoverRuns` of `@fedtune/report` reads it.
 * @throws Error when no round of the run was evaluated.
 */
export function lateAccuracy(run) {
  const late = lateAccuracyOf(run.ledger, LATE_ROUNDS);
  if (late === null) throw new Error(`${run.dir} has no evaluated round; evaluate every round ("evaluation": { "every": 1 }) or let the run finish`);
  return late;
}

/**
 * Whether the run collapsed (see {@link COLLAPSE_RULE}): it ends near chance, or no better than its
 * first evaluation left it (round 0's, where every round is evaluated).
 * @throws Error when no round of the run was evaluated.
 */
export function collapsed(run) {
  const first = run.ledger.find((row) => row.testAccuracy !== null && row.testAccuracy !== undefined)?.testAccuracy;
  if (first === undefined) throw new Error(`${run.dir} has no evaluated round, which the collapse rule compares with; let the run finish`);
  const late = lateAccuracy(run);
  return late < COLLAPSE_ACCURACY || late < first;
}
