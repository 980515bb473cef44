import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { didYouMean } from '../experiment/didYouMean.js';

/** The schema of a component that takes no options: any key is refused. */
export const NO_OPTIONS = z.strictObject({});

/**
 * Validates a component's `options` from the experiment file against a zod schema, so every
 * component reports bad options the same way: `compressor qsgd: options.levels: …`, and an unknown
 * key as `adapter lora: options.useRSLora: unknown option (did you mean "useRsLora"?); allowed: useRsLora`.
 */
export function parseOptions<Schema extends z.ZodType>(
  where: string,
  schema: Schema,
  options: Readonly<Record<string, unknown>>,
): z.output<Schema> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => {
    const path = ['options', ...issue.path.map(String)].join('.');
    if (issue.code !== 'unrecognized_keys') return [`${path}: ${issue.message}`];
    const allowed = objectKeysAt(schema, issue.path);
    return issue.keys.map((key) => {
      const known = allowed === undefined ? '' : `${didYouMean(key, allowed)}; allowed: ${allowed.join(', ') || 'none'}`;
      return `${path}.${key}: unknown option${known}`;
    });
  });
  throw new ConfigError(`${where}: ${problems.join('; ')}`);
}

/** The keys the object schema at `path` takes, or `undefined` where the path leads elsewhere. */
function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let node: z.ZodType | undefined = schema;
  for (const key of path) {
    node = unwrap(node);
    if (node instanceof z.ZodObject) node = (node.shape as Record<string, z.ZodType>)[String(key)];
    else if (node instanceof z.ZodArray && typeof key === 'number') node = node.element as z.ZodType;
    else if (node instanceof z.ZodRecord) node = node.valueType as z.ZodType;
    else return undefined;
    if (node === undefined) return undefined;
  }
  node = unwrap(node);
  return node instanceof z.ZodObject ? Object.keys(node.shape) : undefined;
}

/** The schema under defaults, optionals and transforms: the one the input is checked against. */
function unwrap(schema: z.ZodType): z.ZodType {
  let node = schema;
  for (;;) {
    if (node instanceof z.ZodDefault || node instanceof z.ZodOptional || node instanceof z.ZodNullable) {
      node = node.unwrap() as z.ZodType;
    } else if (node instanceof z.ZodPipe) {
      node = node.in as z.ZodType;
    } else {
      return node;
    }
  }
}
