import { z } from 'zod';
import { MAX_EXPERIMENT_NESTING } from './nestingDepth.js';
import { experimentSchema } from './schema.js';

/** The subset of JSON Schema (draft 2020-12) that zod emits for the experiment schema. */
export interface JsonSchemaNode {
  $schema?: string;
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  additionalProperties?: boolean | JsonSchemaNode;
  items?: JsonSchemaNode;
  oneOf?: JsonSchemaNode[];
  anyOf?: JsonSchemaNode[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  minLength?: number;
}

let cached: JsonSchemaNode | undefined;

/**
 * JSON Schema of what an experiment file may contain (the schema's input side, so fields with
 * defaults are optional). Editors validate files that point `$schema` at the generated
 * docs/experiment.schema.json; the error formatter reads it to say what each field allows.
 */
export function experimentJsonSchema(): JsonSchemaNode {
  if (cached === undefined) {
    const generated = z.toJSONSchema(experimentSchema, { io: 'input' }) as JsonSchemaNode;
    cached = {
      $schema: generated.$schema,
      title: 'fedtune experiment',
      description:
        'A federated fine-tuning experiment run by `fedtune run <file>`. Fields left out take their defaults; ' +
        `lists and objects nest at most ${MAX_EXPERIMENT_NESTING} levels deep, and no object gives a field twice.`,
      ...generated,
    };
  }
  return cached;
}
