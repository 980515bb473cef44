import { CheckpointError } from '../errors.js';
import { excerpt } from './excerpt.js';
import { lineNestedTooDeep, MAX_STORED_JSON_NESTING } from '../io/jsonNesting.js';

/** Which side of the wire a memory entry belongs to. */
export type MemorySide = 'client' | 'server';

/**
 * One memory value as a checkpoint's metadata lists it: Float32Arrays are named tensors, numbers stay
 * in the JSON at full precision (non-finite ones as the strings `NaN`, `Infinity`, `-Infinity`).
 */
export type MemoryEntry = [side: MemorySide, scope: string, key: string, value: { tensor: string } | { number: number | string }];

/** A slot group as the metadata lists it: the name of its tensor and its slots. */
export interface GroupEntry {
  tensor: string;
  slots: string[];
}

const NON_FINITE_NUMBERS: ReadonlySet<unknown> = new Set(['NaN', 'Infinity', '-Infinity']);

/** The number a memory entry stores, as {@link MemoryEntry} writes it. */
export function storedNumber(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMemoryValue(value: unknown): value is MemoryEntry[3] {
  if (!isRecord(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1) return false;
  if (keys[0] === 'tensor') return typeof value['tensor'] === 'string';
  const number = value['number'];
  return (typeof number === 'number' && Number.isFinite(number)) || NON_FINITE_NUMBERS.has(number);
}

function isMemoryEntry(entry: unknown): entry is MemoryEntry {
  return (
    Array.isArray(entry) &&
    entry.length === 4 &&
    (entry[0] === 'client' || entry[0] === 'server') &&
    typeof entry[1] === 'string' &&
    typeof entry[2] === 'string' &&
    isMemoryValue(entry[3])
  );
}

function isGroupEntry(entry: unknown): entry is GroupEntry {
  return (
    isRecord(entry) &&
    typeof entry['tensor'] === 'string' &&
    Array.isArray(entry['slots']) &&
    entry['slots'].every((slot) => typeof slot === 'string')
  );
}

/**
 * The slot groups and memory entries a checkpoint's metadata lists; a {@link CheckpointError} naming
 * the first entry that is not of the form the writer gives it.
 */
export function parseCheckpointMetadata(metadata: Readonly<Record<string, string>>, source: string): { groups: GroupEntry[]; memory: MemoryEntry[] } {
  const damaged = (problem: string) =>
    new CheckpointError(`${source}: ${problem}; the checkpoint was changed or damaged, start the run again without --resume.`);
  const list = (key: string): unknown[] => {
    const text = metadata[key] ?? '[]';
    // Deeper values would overflow the stack of the excerpt below, and the writer never nests them.
    if (lineNestedTooDeep(text) !== undefined) throw damaged(`the metadata "${key}" nests lists and objects more than ${MAX_STORED_JSON_NESTING} deep`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw damaged(`the metadata "${key}" is not valid JSON`);
    }
    if (!Array.isArray(parsed)) throw damaged(`the metadata "${key}" is ${excerpt(JSON.stringify(parsed))}, not a list`);
    return parsed;
  };
  const groups = list('groups');
  groups.forEach((group, i) => {
    if (!isGroupEntry(group)) throw damaged(`slot group ${i} is ${excerpt(JSON.stringify(group))}, not { tensor, slots }`);
  });
  const memory = list('memory');
  memory.forEach((entry, i) => {
    if (!isMemoryEntry(entry)) {
      throw damaged(`memory entry ${i} is ${excerpt(JSON.stringify(entry))}, not [side, scope, key, { tensor } or { number }]`);
    }
  });
  return { groups: groups as GroupEntry[], memory: memory as MemoryEntry[] };
}
