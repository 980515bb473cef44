import { z } from 'zod';
import type { JsonSchemaNode } from './jsonSchema.js';

/**
 * JSON Schema of what a component's `options` may contain (its zod schema's input side, as
 * `experimentJsonSchema` writes the experiment's), for `fedtune list` and editors. A check JSON
 * Schema cannot state (a `.refine`) is left out rather than refused: the factory still applies it.
 */
export function optionsJsonSchema(schema: z.ZodType): JsonSchemaNode {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
}
