import type { ResolvedExperiment } from '../read/types.js';

/**
 * Fields that say nothing about what a run computed (`resolvedAt`, `$schema`, the free-text
 * `label`, the always-empty `compare`), and the seed, which groups runs instead of telling them apart.
 */
const NOT_COMPARED = new Set(['$schema', 'resolvedAt', 'label', 'compare', 'seed']);

/**
 * The experiment as `field path → value text`, in the file's order. A component such as
 * `{ "name": "qsgd", "options": { "levels": 4 } }` or a partition `{ "kind": "dirichlet",
 * "alpha": 0.5 }` is one field whose text is `qsgd(levels=4)` or `dirichlet(alpha=0.5)`, so a
 * label names the component as a reader knows it.
 */
export function experimentFields(experiment: ResolvedExperiment): Map<string, string> {
  const fields = new Map<string, string>();
  const visit = (value: unknown, path: string) => {
    if (isPlainObject(value) && namedPart(value) === undefined) {
      for (const [key, child] of Object.entries(value)) visit(child, path === '' ? key : `${path}.${key}`);
    } else {
      fields.set(path, valueText(value));
    }
  };
  for (const [key, value] of Object.entries(experiment)) {
    if (!NOT_COMPARED.has(key)) visit(value, key);
  }
  return fields;
}

/** A short, stable text for any JSON value: strings bare, objects as `{key=value, …}`. */
function valueText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(valueText).join(', ')}]`;
  if (isPlainObject(value)) {
    const named = namedPart(value);
    // Sorted, so that the same options written in another order read the same.
    const entries = Object.entries(named?.rest ?? value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, child]) => `${key}=${valueText(child)}`);
    if (named === undefined) return `{${entries.join(', ')}}`;
    return entries.length === 0 ? named.name : `${named.name}(${entries.join(', ')})`;
  }
  return String(value);
}

/** `{ name, options }` (a component) or `{ kind, … }` (a tagged choice), split into name and the rest. */
function namedPart(value: Record<string, unknown>): { name: string; rest: Record<string, unknown> } | undefined {
  const { name, options, kind, ...others } = value;
  if (typeof name === 'string' && isPlainObject(options) && kind === undefined && Object.keys(others).length === 0) {
    return { name, rest: options };
  }
  if (typeof kind === 'string' && name === undefined && options === undefined) return { name: kind, rest: others };
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
