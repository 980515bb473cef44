import { experimentJsonSchema } from './jsonSchema.js';
import { schemaFields, type ExperimentField } from './schemaFields.js';

export type { ExperimentField } from './schemaFields.js';

/**
 * The experiment file's fields, sections expanded one level (`data.numClients`), in schema order.
 * Generated from the same JSON Schema as the validation messages, so help and errors agree.
 */
export function experimentFields(): ExperimentField[] {
  return schemaFields(experimentJsonSchema());
}
