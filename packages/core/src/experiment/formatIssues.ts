import type { z } from 'zod';
import { describeSchemaNode } from './describeSchema.js';
import { didYouMean } from './didYouMean.js';
import { formatFieldPath, type FieldPath } from './fieldPath.js';
import { experimentJsonSchema, type JsonSchemaNode } from './jsonSchema.js';

/**
 * One line per schema issue, `<field path>: <what is wrong>; allowed: <what the field takes>`,
 * e.g. `data.partition.kind: got "dirchlet" (did you mean "dirichlet"?); allowed: iid, dirichlet,
 * shards, task-groups`. `input` is the parsed JSON, to quote the offending values.
 */
export function formatExperimentIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  return issues.flatMap((issue) => formatIssue(issue, input));
}

function formatIssue(issue: z.core.$ZodIssue, input: unknown): string[] {
  const meant = issue.code === 'invalid_union' ? meantBranchIssues(issue) : undefined;
  if (meant !== undefined) {
    return meant.flatMap((inner) => formatIssue({ ...inner, path: [...issue.path, ...inner.path] }, input));
  }
  if (issue.code === 'unrecognized_keys') {
    const allowedKeys = Object.keys(objectBranch(issue.path, input)?.properties ?? {});
    return issue.keys.map((key) => {
      const suggestion = didYouMean(key, allowedKeys);
      return `${formatFieldPath([...issue.path, key])}: unknown field${suggestion}; allowed: ${allowedKeys.join(', ')}`;
    });
  }
  const value = valueAt(input, issue.path);
  const got = value === undefined ? 'missing' : `got ${quote(value)}`;
  const choices = choicesOf(issue);
  if (choices !== undefined) {
    const suggestion = typeof value === 'string' ? didYouMean(value, choices) : '';
    return [`${formatFieldPath(issue.path)}: ${got}${suggestion}; allowed: ${choices.join(', ')}`];
  }
  const node = schemaAt(experimentJsonSchema(), issue.path, input);
  const allowed = node === undefined ? issue.message : describeSchemaNode(node);
  return [`${formatFieldPath(issue.path)}: ${got}; allowed: ${allowed}`];
}

/**
 * The issues of the one union branch that got past the value's shape (a field inside it is wrong),
 * so `updateScreen: { relativeTo: "global-model" }` says `updateScreen.factor: missing` rather than
 * listing every branch; `undefined` when no branch or several did.
 */
function meantBranchIssues(issue: z.core.$ZodIssue & { code: 'invalid_union' }): z.core.$ZodIssue[] | undefined {
  const deeper = issue.errors.filter((branch) => branch.some((inner) => inner.path.length > 0));
  return deeper.length === 1 ? deeper[0] : undefined;
}

/** The closed set of values an issue names, when it names one (an enum, a literal, a discriminator). */
function choicesOf(issue: z.core.$ZodIssue): string[] | undefined {
  if (issue.code === 'invalid_value') return issue.values.map(String);
  if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
    return issue.options.map(String);
  }
  return undefined;
}

function valueAt(input: unknown, path: FieldPath): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function quote(value: unknown): string {
  // JSON.stringify writes Infinity and NaN as null, which would hide what is wrong.
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value} (not a finite number)`;
  const kind = Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`;
  const text = JSON.stringify(value);
  const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return typeof value === 'object' ? `${shown} (${kind})` : shown;
}

/** The schema node describing the value at `path`, choosing union branches by the input's shape. */
function schemaAt(root: JsonSchemaNode, path: FieldPath, input: unknown): JsonSchemaNode | undefined {
  let node: JsonSchemaNode | undefined = root;
  for (const [depth, key] of path.entries()) {
    const container: JsonSchemaNode = branchFor(node, valueAt(input, path.slice(0, depth)));
    node =
      typeof key === 'number'
        ? container.items
        : container.properties?.[String(key)] ??
          (typeof container.additionalProperties === 'object' ? container.additionalProperties : undefined);
    if (node === undefined) return undefined;
  }
  return node;
}

function objectBranch(path: FieldPath, input: unknown): JsonSchemaNode | undefined {
  const node = schemaAt(experimentJsonSchema(), path, input);
  return node === undefined ? undefined : branchFor(node, valueAt(input, path));
}

/**
 * For a union, the alternative the value was meant to be: same discriminator, else same JSON type.
 * Unions nested in a union (`"off"` or a discriminated object) are looked through.
 */
function branchFor(node: JsonSchemaNode, value: unknown): JsonSchemaNode {
  if (node.oneOf === undefined && node.anyOf === undefined) return node;
  const alternatives = leafAlternatives(node);
  return (
    alternatives.find((alternative) => sharesDiscriminator(alternative, value)) ??
    alternatives.find((alternative) => alternative.type === jsonTypeOf(value)) ??
    node
  );
}

function leafAlternatives(node: JsonSchemaNode): JsonSchemaNode[] {
  const alternatives = node.oneOf ?? node.anyOf;
  return alternatives === undefined ? [node] : alternatives.flatMap(leafAlternatives);
}

function sharesDiscriminator(alternative: JsonSchemaNode, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(alternative.properties ?? {}).some(
    ([key, property]) => property.const !== undefined && (value as Record<string, unknown>)[key] === property.const,
  );
}

function jsonTypeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'number' ? 'number' : typeof value;
}
