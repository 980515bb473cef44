import { ConfigError } from '../errors.js';
import { formatFieldPath, type FieldPath } from './fieldPath.js';

/**
 * The deepest nesting of lists and objects an experiment may hold, the top-level object counting
 * as level 1: far more than the schema's sections and any component's options need. Recursive code
 * down the line (the run's fingerprint, results folders, the report) would overflow its stack on
 * values thousands of levels deep, so nothing deeper gets past loading.
 */
export const MAX_EXPERIMENT_NESTING = 64;

/** A list or object met on the walk, and the way back to the top for the message. */
interface Level {
  value: object;
  depth: number;
  key: PropertyKey | undefined;
  parent: Level | undefined;
}

/**
 * Checks that `experiment` nests at most {@link MAX_EXPERIMENT_NESTING} levels of lists and objects.
 * The walk keeps its own stack, so any depth is measured without overflowing.
 * @param source names the experiment in the message.
 * @throws ConfigError naming the path of the first list or object one level too deep.
 */
export function assertNestingWithin(experiment: unknown, source: string): void {
  if (!isContainer(experiment)) return;
  const pending: Level[] = [{ value: experiment, depth: 1, key: undefined, parent: undefined }];
  for (let level = pending.pop(); level !== undefined; level = pending.pop()) {
    if (level.depth > MAX_EXPERIMENT_NESTING) {
      throw new ConfigError(
        `${source}: ${formatFieldPath(pathTo(level))} nests lists and objects more than the ${MAX_EXPERIMENT_NESTING} ` +
          'levels an experiment may hold; flatten that value (component options take a few plain fields).',
      );
    }
    const entries: [PropertyKey, unknown][] = Array.isArray(level.value)
      ? level.value.map((child, index) => [index, child])
      : Object.entries(level.value);
    // Pushed last to first, so the walk meets children in order and names the first deep path.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as [PropertyKey, unknown];
      if (isContainer(child)) pending.push({ value: child, depth: level.depth + 1, key, parent: level });
    }
  }
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function pathTo(level: Level): FieldPath {
  const path: PropertyKey[] = [];
  for (let at: Level | undefined = level; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}
