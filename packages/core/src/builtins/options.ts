import { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * Validates a component's `options` from the experiment file against a zod schema, so every
 * component reports bad options the same way: `compressor qsgd: options.levels: …`.
 */
export function parseOptions<Schema extends z.ZodType>(
  where: string,
  schema: Schema,
  options: Readonly<Record<string, unknown>>,
): z.output<Schema> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = ['options', ...issue.path.map(String)].join('.');
    return `${path}: ${issue.message}`;
  });
  throw new ConfigError(`${where}: ${problems.join('; ')}`);
}
