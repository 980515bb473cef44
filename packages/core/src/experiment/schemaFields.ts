import { describeSchemaNode } from './describeSchema.js';
import type { JsonSchemaNode } from './jsonSchema.js';

/** One field of the experiment file, for help screens. */
export interface ExperimentField {
  /** Dotted path, e.g. `training.rounds`. */
  path: string;
  required: boolean;
  /** What the field accepts, in words. */
  allowed: string;
  /** The default as JSON, when the field has one. */
  defaultValue?: string;
}

/**
 * The fields of the experiment file's JSON Schema `root`, sections expanded one level
 * (`data.numClients`), in schema order. Apart from the zod schema, so a help screen can read the
 * generated experiment.schema.json without loading zod.
 */
export function schemaFields(root: JsonSchemaNode): ExperimentField[] {
  return Object.entries(root.properties ?? {})
    .filter(([name]) => name !== '$schema')
    .flatMap(([name, node]) => {
      const field = toField(name, node, root.required ?? []);
      return isSection(node) ? [field, ...sectionFields(name, node)] : [field];
    });
}

function sectionFields(section: string, node: JsonSchemaNode): ExperimentField[] {
  return Object.entries(node.properties ?? {}).map(([name, child]) =>
    toField(`${section}.${name}`, child, node.required ?? []),
  );
}

/** A section is an object with named fields (not a free-form `options` record, not a union). */
function isSection(node: JsonSchemaNode): boolean {
  return node.type === 'object' && Object.keys(node.properties ?? {}).length > 0;
}

function toField(path: string, node: JsonSchemaNode, required: readonly string[]): ExperimentField {
  const name = path.slice(path.lastIndexOf('.') + 1);
  const field: ExperimentField = {
    path,
    required: required.includes(name),
    allowed: isSection(node) ? 'a section (its fields follow)' : describeSchemaNode(node),
  };
  if (node.default !== undefined && !isSection(node)) field.defaultValue = JSON.stringify(node.default);
  return field;
}
