import type { JsonSchemaNode } from './jsonSchema.js';

/** What a schema node accepts, in words: `an integer from 1 to 100000`, `iid, dirichlet`. */
export function describeSchemaNode(node: JsonSchemaNode): string {
  if (node.const !== undefined) return String(node.const);
  if (node.enum !== undefined) return node.enum.map(String).join(', ');
  const alternatives = node.oneOf ?? node.anyOf;
  if (alternatives !== undefined) return describeAlternatives(alternatives);
  switch (node.type) {
    case 'integer':
    case 'number':
      return describeNumber(node);
    case 'string':
      return (node.minLength ?? 0) > 0 ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'array': {
      const list = (node.minItems ?? 0) > 0 ? 'a non-empty list' : 'a list';
      return node.items === undefined ? list : `${list}, each ${describeSchemaNode(node.items)}`;
    }
    case 'object': {
      const fields = Object.keys(node.properties ?? {});
      return fields.length > 0 ? `an object with fields ${fields.join(', ')}` : 'an object';
    }
    default:
      return 'any JSON value';
  }
}

function describeAlternatives(alternatives: readonly JsonSchemaNode[]): string {
  const discriminator = commonDiscriminator(alternatives);
  if (discriminator !== undefined) {
    const values = alternatives.map((alternative) => String(alternative.properties?.[discriminator]?.const));
    return `an object whose "${discriminator}" is one of ${values.join(', ')}`;
  }
  return alternatives.map(describeSchemaNode).join(', or ');
}

function commonDiscriminator(alternatives: readonly JsonSchemaNode[]): string | undefined {
  const first = alternatives[0];
  if (first === undefined) return undefined;
  return Object.keys(first.properties ?? {}).find((key) =>
    alternatives.every((alternative) => alternative.properties?.[key]?.const !== undefined),
  );
}

function describeNumber(node: JsonSchemaNode): string {
  const integer = node.type === 'integer';
  // Bounds at the safe-integer limit only say "an integer"; they are not worth reading.
  const upper = node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER ? node.maximum : undefined;
  const lower =
    node.minimum ?? (integer && node.exclusiveMinimum !== undefined ? node.exclusiveMinimum + 1 : undefined);
  const noun = integer ? 'an integer' : 'a number';
  if (lower !== undefined && upper !== undefined) return `${noun} from ${lower} to ${upper}`;
  const bounds: string[] = [];
  if (lower !== undefined) bounds.push(`at least ${lower}`);
  else if (node.exclusiveMinimum !== undefined) bounds.push(`greater than ${node.exclusiveMinimum}`);
  if (upper !== undefined) bounds.push(`at most ${upper}`);
  return bounds.length > 0 ? `${noun} ${bounds.join(' and ')}` : noun;
}
